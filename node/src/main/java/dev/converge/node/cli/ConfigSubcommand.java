package dev.converge.node.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code converge config ...}: commands about a node's configuration file. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Commands about a node's configuration file.",
    subcommands = {ConfigCheckSubcommand.class})
final class ConfigSubcommand implements Runnable {
    @ParentCommand
    ConvergeCommand parent;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: e.g. converge config check node.yaml");
    }
}
