"""onnxruntime for the Python scripts through onnxruntime's Java API (the runtime Sieve itself uses), for machines
where the onnxruntime Python package is missing but a JDK 21+ and the onnxruntime jar (Maven Central,
com.microsoft.onnxruntime:onnxruntime) are present. It mirrors the small part of the Python API that export.py
uses: SessionOptions, InferenceSession(path, so, providers).run(output_names, feeds) and __version__.
The jar is found through $SIEVE_ORT_JAR or the local Maven repository; the JDK through scripts/jdk.sh.
"""
import atexit
import os
import struct
import subprocess

import numpy as np

ORT_VERSION = "1.22.0"
__version__ = ORT_VERSION + " (Java API)"
HERE = os.path.dirname(os.path.abspath(__file__))


def _jar():
    p = os.environ.get("SIEVE_ORT_JAR") or os.path.expanduser(
        f"~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/{ORT_VERSION}/onnxruntime-{ORT_VERSION}.jar")
    if not os.path.exists(p):
        raise ImportError(f"onnxruntime jar not found at {p} (set SIEVE_ORT_JAR)")
    return p


def _java():
    home = subprocess.run([os.path.join(HERE, "..", "scripts", "jdk.sh")], capture_output=True, text=True,
                          check=True).stdout.strip()
    return os.path.join(home, "bin", "java")


class SessionOptions:
    intra_op_num_threads = 1


def _utf(s):
    b = s.encode("utf-8")
    return struct.pack(">H", len(b)) + b


class InferenceSession:
    def __init__(self, path, so=None, providers=None):
        threads = str(getattr(so, "intra_op_num_threads", 1) or 1)
        self.p = subprocess.Popen([_java(), "--enable-native-access=ALL-UNNAMED", "-cp", _jar(), os.path.join(HERE, "OrtBridge.java"), path, threads],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        atexit.register(self.close)

    def _read(self, n):
        b = self.p.stdout.read(n)
        if len(b) != n:
            raise RuntimeError("OrtBridge ended early (see its error output)")
        return b

    def run(self, output_names, feeds):
        w = [struct.pack(">i", len(feeds))]
        for name, a in feeds.items():
            a = np.asarray(a)
            if a.dtype == np.float32:
                code, data = 0, a.astype(">f4").tobytes()
            elif a.dtype == np.int64:
                code, data = 1, a.astype(">i8").tobytes()
            else:
                raise TypeError(f"{name}: dtype {a.dtype} not supported")
            w.append(_utf(name) + struct.pack(">bi", code, a.ndim) + struct.pack(f">{a.ndim}q", *a.shape) + data)
        names = list(output_names or [])
        w.append(struct.pack(">i", len(names)) + b"".join(_utf(n) for n in names))
        self.p.stdin.write(b"".join(w))
        self.p.stdin.flush()
        outs = []
        for _ in range(struct.unpack(">i", self._read(4))[0]):
            ln = struct.unpack(">H", self._read(2))[0]
            self._read(ln)
            rank = struct.unpack(">i", self._read(4))[0]
            shape = struct.unpack(f">{rank}q", self._read(8 * rank))
            cnt = int(np.prod(shape)) if rank else 1
            outs.append(np.frombuffer(self._read(4 * cnt), ">f4").astype(np.float32).reshape(shape))
        return outs

    def close(self):
        if self.p.poll() is None:
            self.p.stdin.write(struct.pack(">i", 0))
            self.p.stdin.close()
            self.p.wait()
