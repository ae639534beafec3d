#!/usr/bin/env python3
"""Writes TensorBoard event files (TFRecord framing of Event protobufs) for satwatch's tests.

An independent writer: Python's protobuf runtime (Debian python3-protobuf) with classes that Debian's protoc
(protobuf-compiler) generates here from src/main/proto, and the TFRecord framing and masked CRC32C written out
from their specifications in pure Python (not the Java reader's code, not java.util.zip). It can also write what
a reader must survive: a record whose data or length CRC is wrong, and a record torn off part-way (a file still
being written).

Usage: scripts/write-tfevents.py < SPEC.json > WRITTEN.json

SPEC is a JSON list of files:
  [{"path": "logdir/run/events.out.tfevents.1.host", "append": false, "records": [RECORD, ...]}, ...]
RECORD is one Event:
  {"file_version": "brain.Event:2", "wall_time": 1700000000.0}
  {"step": 10, "wall_time": 1700000001.5, "scalars": [{"tag": "train/loss", "value": 2.5, "as": "simple"}]}
with "as" one of simple (Summary.Value.simple_value, as tensorboardX and torch's add_scalar write it),
float_val / double_val (a rank-0 DT_FLOAT / DT_DOUBLE tensor with the value in float_val / double_val, as
torch's add_scalar(new_style=True) writes it), float_content / double_content (the value as little-endian bytes in
tensor_content, as TensorFlow 2's tf.summary.scalar writes it) or vector (a rank-1 tensor of three floats: not a
scalar, which a reader must skip). A record may also say
  "corrupt": "data"     flip one bit of its payload after framing (the data CRC no longer matches)
  "corrupt": "length"   flip one bit of its length after framing (the length CRC no longer matches)
  "torn": N             write only the first N bytes of its frame (must be the last record of the file)
  "rest_from": N        write its frame from byte N on: the rest of a record written "torn": N before (must be the
                        first record of an appended file; serialization is deterministic, so the bytes match)

WRITTEN is a JSON list, per file, of {"path", "size", "records": [{"offset", "frame_bytes"}]}: where each record's
frame starts (offsets count from the start of the file, appended records included), so tests can check the
offsets a reader reports.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTO_DIR = os.path.join(ROOT, "src", "main", "proto")

# CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF (RFC 3720 B.4).
_CRC32C_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC32C_TABLE.append(_c)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _CRC32C_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


# The check value of the CRC catalogue (CRC-32/ISCSI): catches a wrong table or reflection before any file is written.
assert crc32c(b"123456789") == 0xE3069283, "crc32c self-check failed"


def masked_crc32c(data):
    """TFRecord's mask (tensorflow/core/lib/hash/crc32c.h): rotate right by 15 bits, add 0xa282ead8, mod 2^32."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data, corrupt=None):
    """uint64 length, uint32 masked_crc32c(length), data, uint32 masked_crc32c(data), all little-endian."""
    length = struct.pack("<Q", len(data))
    out = bytearray(length + struct.pack("<I", masked_crc32c(length)) + data + struct.pack("<I", masked_crc32c(data)))
    if corrupt == "data":
        out[12 + len(data) // 2] ^= 0x01
    elif corrupt == "length":
        out[0] ^= 0x04  # the length grows by 4: wrong, and the length CRC no longer matches
    elif corrupt is not None:
        raise SystemExit("unknown corruption %r: use data or length" % corrupt)
    return bytes(out)


def load_protos():
    """Compiles the .proto files with Debian's protoc into a temporary folder and imports event_pb2."""
    out = tempfile.mkdtemp(prefix="satwatch-tfevents-")
    protos = sorted(
        os.path.join("tensorboard", f) for f in os.listdir(os.path.join(PROTO_DIR, "tensorboard")) if f.endswith(".proto")
    )
    try:
        subprocess.run(["protoc", "-I", PROTO_DIR, "--python_out", out] + protos, check=True, cwd=PROTO_DIR)
    except FileNotFoundError:
        raise SystemExit("write-tfevents.py: protoc not found: apt-get install protobuf-compiler")
    sys.path.insert(0, out)
    from tensorboard import event_pb2, tensor_shape_pb2, types_pb2  # noqa: E402 (generated just above)

    return event_pb2, tensor_shape_pb2, types_pb2


def event_bytes(record, pb):
    event_pb2, tensor_shape_pb2, types_pb2 = pb
    e = event_pb2.Event()
    e.wall_time = record.get("wall_time", 0.0)
    if "file_version" in record:
        e.file_version = record["file_version"]
        return e.SerializeToString()
    e.step = record["step"]
    for s in record.get("scalars", []):
        v = e.summary.value.add()
        v.tag = s["tag"]
        kind = s.get("as", "simple")
        x = s["value"]
        if kind == "simple":
            v.simple_value = x
            continue
        t = v.tensor
        v.metadata.plugin_data.plugin_name = "scalars"
        t.tensor_shape.CopyFrom(tensor_shape_pb2.TensorShapeProto())  # rank 0: no dims
        if kind == "float_val":
            t.dtype = types_pb2.DT_FLOAT
            t.float_val.append(x)
        elif kind == "double_val":
            t.dtype = types_pb2.DT_DOUBLE
            t.double_val.append(x)
        elif kind == "float_content":
            t.dtype = types_pb2.DT_FLOAT
            t.tensor_content = struct.pack("<f", x)
        elif kind == "double_content":
            t.dtype = types_pb2.DT_DOUBLE
            t.tensor_content = struct.pack("<d", x)
        elif kind == "vector":
            t.dtype = types_pb2.DT_FLOAT
            t.tensor_shape.dim.add().size = 3
            t.float_val.extend([x, x, x])
        else:
            raise SystemExit("unknown scalar encoding %r" % kind)
    return e.SerializeToString()


def write_file(spec, pb):
    path = spec["path"]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    append = spec.get("append", False)
    offset = os.path.getsize(path) if append and os.path.exists(path) else 0
    written = []
    records = spec.get("records", [])
    with open(path, "ab" if append else "wb") as f:
        for i, record in enumerate(records):
            framed = frame(event_bytes(record, pb), record.get("corrupt"))
            if "torn" in record:
                if i != len(records) - 1:
                    raise SystemExit("a torn record must be the file's last")
                framed = framed[: record["torn"]]
            if "rest_from" in record:
                if i != 0 or not append:
                    raise SystemExit("rest_from completes a torn record: the first record of an appended file")
                framed = framed[record["rest_from"] :]
            f.write(framed)
            written.append({"offset": offset, "frame_bytes": len(framed)})
            offset += len(framed)
    return {"path": path, "size": os.path.getsize(path), "records": written}


def main():
    specs = json.load(sys.stdin)
    pb = load_protos()
    json.dump([write_file(s, pb) for s in specs], sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
