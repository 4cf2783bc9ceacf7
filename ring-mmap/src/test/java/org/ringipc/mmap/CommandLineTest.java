package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ringipc.mmap.cli.RingCommand;

/**
 * The {@code ring} command line as a user meets it: help and version on every command, exit
 * status 2 and one line on stderr for every bad command line, {@code ring help COMMAND} and the
 * bash completion script. Run through the command's own entry point (picocli's execute), as
 * {@code ./ring} runs it; {@link CliTest} and {@code LauncherIT} run real processes.
 */
class CommandLineTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run ring(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RingCommand.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"create", "write", "read", "stat", "dma", "consume", "help", "completion"})
    void everyCommandPrintsItsUsageWithHelpAndExitsZero(String command) {
        Run r = ring(command, "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Usage: ring " + command + " "), r.out());
        assertEquals("", r.err());
    }

    @Test
    void helpCommandPrintsTheUsageOfTheCommandNamed() {
        Run r = ring("help", "stat");
        assertEquals(0, r.exit(), r.err());
        assertEquals(ring("stat", "--help").out(), r.out());
        assertTrue(r.out().contains("--watch"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "create", "stat"})
    void versionPrintsTheBuildVersionOnEveryCommand(String command) {
        Run r = command.isEmpty() ? ring("--version") : ring(command, "--version");
        assertEquals(0, r.exit(), r.err());
        String version = r.out().strip();
        assertTrue(version.matches("ring \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(ringipc; Java .+\\)"), version);
    }

    @Test
    void anUnknownCommandIsNamedAndTheCommandsAreListedInOneLine() {
        Run r = ring("bogus");
        assertEquals(2, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("ring: unknown command 'bogus'; the commands are create, write, read, stat, dma, consume, help, completion"),
                r.err());
        assertEquals("", r.out());
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of("create", "FILE", "--capacity", "3"), "capacity=3"),
                Arguments.of(List.of("create", "FILE", "--capacity", "6000"), "capacity=6000"),
                Arguments.of(List.of("create", "FILE", "--capacity", "abc"), "size=abc"),
                Arguments.of(List.of("create", "FILE", "--mode", "0777"), "mode=rwxrwxrwx"),
                Arguments.of(List.of("create", "FILE", "--mode", "0400"), "mode=r--------"),
                Arguments.of(List.of("create", "FILE", "--mode", "999"), "mode=999"),
                Arguments.of(List.of("create", "FILE", "--wait", "SOMETIMES"), "SOMETIMES"),
                Arguments.of(List.of("create"), "FILE"),
                Arguments.of(List.of("create", "FILE", "--no-such-option"), "--no-such-option"),
                Arguments.of(List.of("read"), "FILE"),
                Arguments.of(List.of("write", "FILE", "extra"), "extra"),
                Arguments.of(List.of("stat", "FILE", "--count", "2"), "--count=2"),
                Arguments.of(List.of("stat", "FILE", "--watch", "soon"), "duration=soon"),
                Arguments.of(List.of("dma", "FILE", "--burst", "3"), "burst"),
                Arguments.of(List.of("dma", "FILE", "--interval", "0ms"), "duration=0ms"),
                Arguments.of(List.of("consume", "FILE", "--delay", "x"), "duration=x"),
                Arguments.of(List.of("help", "bogus"), "bogus"),
                Arguments.of(List.of("--no-such-option"), "--no-such-option"),
                Arguments.of(List.of(), "a command is needed"));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void everyBadCommandLineExitsTwoWithOneLineNamingTheBadThing(List<String> args, String named) {
        Path file = dir.resolve("r");
        List<String> line = new ArrayList<>(args);
        line.replaceAll(a -> a.equals("FILE") ? file.toString() : a);
        Run r = ring(line.toArray(String[]::new));
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("ring: "), r.err());
        assertTrue(r.err().contains(named), r.err());
        assertFalse(Files.exists(file), "a bad command line made " + file);
    }

    @Test
    void completionPrintsABashScriptThatCompletesTheCommands() throws IOException, InterruptedException {
        Run r = ring("completion");
        assertEquals(0, r.exit(), r.err());
        Path script = dir.resolve("ring-completion.bash");
        Files.writeString(script, r.out());
        // a real bash sources it, then asks its completion function what `ring st<TAB>` offers
        String probe = "source '" + script + "' && complete -p ring && COMP_WORDS=(ring st) && COMP_CWORD=1"
                + " && COMP_LINE='ring st' && COMP_POINT=7 && _complete_ring ring st ring && printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process bash = new ProcessBuilder("bash", "-c", probe).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(60, TimeUnit.SECONDS), "bash did not finish");
        assertEquals(0, bash.exitValue(), output);
        assertTrue(output.contains("-F _complete_ring ring"), output);
        assertEquals(List.of("stat"), output.lines().skip(1).map(String::strip).filter(s -> !s.isEmpty()).toList(), output);
    }
}
