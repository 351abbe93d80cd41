/**
 * The audit trail: an append-only topic ({@code topic.audit}, default {@code emotion-audit}) on
 * which the processors and the {@code models} commands record every change that matters: a
 * processor's start with its effective policy, cameras added, removed, enabled or disabled, policy,
 * mask and zone changes, camera files refused, and models released, promoted, rolled back or
 * swapped in, each with its time and source. Sits above {@code kafka} and {@code policy}.
 */
package io.emotionstream.audit;
