import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an ONNX model with onnxruntime's Java API for the Python scripts (models/ort_java.py) on machines where the
 * onnxruntime Python package is missing. Launched as a single source file: java -cp onnxruntime.jar OrtBridge.java
 * MODEL [THREADS]. Protocol on stdin/stdout, big-endian: a request is int32 count of inputs (0 ends), then per
 * input a modified-UTF-8 name, a dtype byte (0 float32, 1 int64), int32 rank, int64 dims, the data; then int32
 * count of requested outputs (0: all, in the model's order) and their names. The reply is int32 count, then per
 * output its name, int32 rank, int64 dims and float32 data.
 */
public final class OrtBridge {
    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(args.length > 1 ? Integer.parseInt(args[1]) : 1);
        try (OrtSession session = env.createSession(args[0], so)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(System.out, 1 << 16));
            while (true) {
                int n = in.readInt();
                if (n == 0) {
                    break;
                }
                Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    String name = in.readUTF();
                    byte dtype = in.readByte();
                    long[] shape = new long[in.readInt()];
                    long count = 1;
                    for (int d = 0; d < shape.length; d++) {
                        shape[d] = in.readLong();
                        count *= shape[d];
                    }
                    if (dtype == 0) {
                        FloatBuffer b = FloatBuffer.allocate((int) count);
                        for (long k = 0; k < count; k++) {
                            b.put(in.readFloat());
                        }
                        feeds.put(name, OnnxTensor.createTensor(env, b.flip(), shape));
                    } else {
                        LongBuffer b = LongBuffer.allocate((int) count);
                        for (long k = 0; k < count; k++) {
                            b.put(in.readLong());
                        }
                        feeds.put(name, OnnxTensor.createTensor(env, b.flip(), shape));
                    }
                }
                int m = in.readInt();
                List<String> wanted = new ArrayList<>();
                for (int i = 0; i < m; i++) {
                    wanted.add(in.readUTF());
                }
                if (wanted.isEmpty()) {
                    wanted.addAll(session.getOutputNames());
                }
                try (OrtSession.Result result = session.run(feeds, new java.util.LinkedHashSet<>(wanted))) {
                    out.writeInt(wanted.size());
                    for (String name : wanted) {
                        OnnxValue v = result.get(name).orElseThrow();
                        OnnxTensor t = (OnnxTensor) v;
                        long[] shape = t.getInfo().getShape();
                        out.writeUTF(name);
                        out.writeInt(shape.length);
                        for (long d : shape) {
                            out.writeLong(d);
                        }
                        FloatBuffer fb = t.getFloatBuffer();
                        while (fb.hasRemaining()) {
                            out.writeFloat(fb.get());
                        }
                    }
                }
                out.flush();
                for (OnnxTensor t : feeds.values()) {
                    t.close();
                }
            }
        }
    }
}
