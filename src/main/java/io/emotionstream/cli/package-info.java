/**
 * The launcher's commands ({@code ./emotion-stream <command>}): {@link io.emotionstream.cli.Main}
 * is the entry point; each command is a picocli class with {@code --help}. What {@code demo} and
 * the {@code bench} commands share is in {@code cli.bench}.
 */
package io.emotionstream.cli;
