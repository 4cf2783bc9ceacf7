package org.ringipc.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code tcp-loopback} transport: a plain TCP socket over 127.0.0.1 (Nagle off), the yardstick
 * for {@code bridge-udp}. The harness listens on a free port and leaves its number in a file of the
 * session folder for the peer.
 */
final class TcpLane {

    private TcpLane() {
    }

    static CrossProcess.Session start(Path dir, List<String> peerArgs, int bufferBytes) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Files.writeString(dir.resolve("port"), Integer.toString(port));
            Process peer = CrossProcess.launch(Transport.TCP_LOOPBACK, peerArgs);
            SocketChannel ch = server.accept();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new CrossProcess.Session(dir, peer, new ChannelLink(ch, ch, bufferBytes));
        }
    }

    static Link peerLink(Path dir, int bufferBytes) throws IOException {
        int port = Integer.parseInt(Files.readString(dir.resolve("port"), StandardCharsets.US_ASCII).strip());
        SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return new ChannelLink(ch, ch, bufferBytes);
    }
}
