/**
 * The launcher's commands ({@code ./emotion-stream <command>}): {@link io.emotionstream.cli.Main}
 * is the entry point; each command is a picocli class with {@code --help}.
 */
package io.emotionstream.cli;
