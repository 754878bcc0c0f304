package dev.converge.node.cli;

import dev.converge.dialect.Dialect;
import dev.converge.specs.SpecCommand;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/** {@code converge spec [--dialect h2|postgresql] PATH...}: runs executable scenarios (see scenario-format.md). */
@Command(name = "spec", mixinStandardHelpOptions = true,
    description = {"Runs replication scenarios and prints PASS or FAIL per scenario and dialect, then a count.",
        "Exits 0 if every scenario passed, 1 if any failed or none was found."})
final class SpecSubcommand implements Callable<Integer> {
    @ParentCommand
    private ConvergeCommand parent;

    @Option(names = "--dialect", paramLabel = "h2|postgresql", converter = DialectConverter.class,
        description = "Run only on this database (default: every database each scenario allows).")
    private Dialect dialect;

    @Parameters(arity = "1..*", paramLabel = "PATH",
        description = "Scenario files, or folders searched for *.yaml and *.yml (src/ and target/ are skipped).")
    private List<Path> paths;

    @Override
    public Integer call() {
        return SpecCommand.run(paths, Optional.ofNullable(dialect), parent.out());
    }

    /** {@code h2} or {@code postgresql}, in any case; anything else is a usage error that lists both. */
    static final class DialectConverter implements ITypeConverter<Dialect> {
        @Override
        public Dialect convert(String value) {
            try {
                return Dialect.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
