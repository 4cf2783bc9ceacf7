package example.pipe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.mmap.SharedRing;

/** Two processes, one ring file: "read FILE" makes the ring and reads; "write FILE" writes 1000 lines. */
public class Pipe {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        if (args[0].equals("read")) {
            StringBuilder text = new StringBuilder();
            try (SharedRing ring = SharedRing.create(file, 1 << 16);
                 RingSource source = ring.source()) {
                System.out.println("ready");
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (source.read(buf) >= 0) {           // sleeps until the writer writes; -1 once it closed
                    text.append(StandardCharsets.UTF_8.decode(buf.flip()));
                    buf.clear();
                }
            }
            boolean whole = text.toString().equals(lines());
            System.out.println("read " + text.toString().lines().count() + " lines" + (whole ? ", all in order" : ", NOT as sent"));
            System.exit(whole ? 0 : 1);
        } else {
            try (SharedRing ring = SharedRing.open(file);
                 RingSink sink = ring.sink()) {
                sink.write(ByteBuffer.wrap(lines().getBytes(StandardCharsets.UTF_8)));
            }                                             // closing the sink is the reader's EOF
        }
    }

    static String lines() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            text.append("message ").append(i).append('\n');
        }
        return text.toString();
    }
}
