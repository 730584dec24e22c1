"""The wire format refuses anything but plain data."""

import json
import os
import struct
import time

import numpy as np
import pytest

from grader.sandbox import protocol


def roundtrip(value):
    blobs = []
    data = json.loads(json.dumps(protocol.encode(value, blobs)))
    return protocol.decode(data, blobs)


def test_arrays_scalars_tuples_and_dicts_survive_a_roundtrip():
    value = (np.arange(6, dtype=np.float32).reshape(2, 3), {"W1": np.eye(2), "b1": np.zeros(2)}, 1.5, 3,
             np.float32(2.5), [True, None, "x"])
    back = roundtrip(value)
    assert back[0].dtype == np.float32 and np.array_equal(back[0], value[0])
    assert set(back[1]) == {"W1", "b1"} and np.array_equal(back[1]["W1"], np.eye(2))
    assert back[2:4] == (1.5, 3)
    assert isinstance(back[4], np.float32) and back[4] == 2.5
    assert back[5] == [True, None, "x"]


def test_unknown_objects_cross_only_as_their_type_name():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

    back = roundtrip(AlwaysEqual())
    assert isinstance(back, protocol.Unsupported) and "AlwaysEqual" in back.type_name


def test_an_ndarray_subclass_does_not_cross_as_an_array():
    class Sneaky(np.ndarray):
        pass

    back = roundtrip(np.zeros(3).view(Sneaky))
    assert isinstance(back, protocol.Unsupported) and "subclass" in back.type_name


@pytest.mark.parametrize("descr", ["|O", "<U1", "|S3", "<c16", "<M8[s]", "|V8", "[('a', '<f8')]", 5, None])
def test_object_string_and_structured_dtypes_are_refused(descr):
    with pytest.raises(protocol.ProtocolError, match="unsupported dtype"):
        protocol.decode({"__array__": [0, descr, [1]]}, [b"\0" * 8])


def test_object_and_structured_arrays_do_not_cross():
    for array in (np.array([object()], dtype=object), np.zeros(2, dtype=[("a", "f8")]), np.array(["a", "b"])):
        assert isinstance(roundtrip(array), protocol.Unsupported)


@pytest.mark.parametrize("spec", [[0, "<f8", [3]], [0, "<f8", [-2, -1]], [0, "<f8", "2"], [0, "<f8", [1.0, 2]],
                                  [0, "<f8", [1] * 33], [1, "<f8", [2]], [0, "<f8"], 0])
def test_array_data_must_fill_exactly_its_shape(spec):
    with pytest.raises(protocol.ProtocolError):
        protocol.decode({"__array__": spec}, [b"\0" * 16])


def test_views_cross_as_their_values_and_arrive_writable():
    x = np.arange(12.0).reshape(3, 4)
    for view in (x.T, x[::2, 1:], np.float32(1.5) * np.ones((0, 3), np.float32)):
        back = roundtrip(view)
        assert back.dtype == view.dtype and back.shape == view.shape and np.array_equal(back, view)
        assert back.flags.writeable and back.flags.c_contiguous


@pytest.mark.parametrize("data", [{"__eval__": "1"}, {"__array__": 5}, {"__dict__": [[1, 2]]}, {"a": 1, "b": 2}])
def test_malformed_values_are_refused(data):
    with pytest.raises(protocol.ProtocolError):
        protocol.decode(data, [])


def test_an_oversized_frame_is_refused_before_it_is_read():
    read, write = os.pipe()
    os.write(write, struct.pack(">I", protocol.MAX_FRAME_BYTES + 1))
    with pytest.raises(protocol.ProtocolError, match="exceeds"):
        protocol.Channel(read).read_message()
    os.close(read), os.close(write)


def test_a_silent_peer_times_out():
    read, write = os.pipe()
    with pytest.raises(TimeoutError):
        protocol.Channel(read).read_message(deadline=0)
    os.close(read), os.close(write)


def test_messages_sent_in_one_write_are_each_read_whole_through_one_channel():
    """A channel reads ahead; what belongs to the next message is kept for it, not lost, and a half-sent message
    waits for its rest."""
    read, write = os.pipe()
    first = protocol.pack_message({"seq": 1}, [b"abc"])
    second = protocol.pack_message({"seq": 2}, [np.arange(3).tobytes(), b""])
    os.write(write, first + second[:7])
    channel = protocol.Channel(read)
    assert channel.read_message(deadline=time.monotonic() + 5) == ({"seq": 1, "frames": 1}, [b"abc"])
    os.write(write, second[7:])
    blobs = [np.arange(3).tobytes(), b""]
    assert channel.read_message(deadline=time.monotonic() + 5) == ({"seq": 2, "frames": 2}, blobs)
    with pytest.raises(TimeoutError):
        channel.read_message(deadline=0)
    os.close(read), os.close(write)
