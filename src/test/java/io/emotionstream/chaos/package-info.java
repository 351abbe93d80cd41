/**
 * The chaos test: the processor as separate processes, killed with SIGKILL and restarted, a
 * broker restart and a scale-out with a kill, while cameras stream frames whose face counts are
 * known; then the committed output is checked event by event. {@link io.emotionstream.chaos.ChaosIT}
 * runs it in {@code mvn verify}; {@code scripts/chaos.sh} runs it longer.
 */
package io.emotionstream.chaos;
