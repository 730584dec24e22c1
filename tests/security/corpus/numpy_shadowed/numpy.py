"""A fake numpy whose comparisons always agree, hoping the grader (or the worker) imports it instead of numpy."""

print("CORPUS-PAYLOAD: the submitted numpy.py was imported")


def allclose(*args, **kwargs):
    return True


def array_equal(*args, **kwargs):
    return True
