"""Fills the disk with 1 MiB files in its working folder; stops at 300 MiB."""


def relu(x):
    chunk = b"\0" * (1024 * 1024)
    for i in range(300):
        with open(f"filler-{i}.bin", "wb") as file:
            file.write(chunk)
    return x
