package io.emotionstream.chaos;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What the broker says about the processors' group and topics: how far the events topic has been
 * written, who owns which frames partition, whether the committed input offsets reached the end.
 */
final class GroupProbe {

  private final Admin admin;
  private final String group;
  private final String framesTopic;
  private final String eventsTopic;
  private final int partitions;

  GroupProbe(Admin admin, String group, String framesTopic, String eventsTopic, int partitions) {
    this.admin = admin;
    this.group = group;
    this.framesTopic = framesTopic;
    this.eventsTopic = eventsTopic;
    this.partitions = partitions;
  }

  /** Records written to the events topic, committed or not. */
  long eventsWritten() throws ExecutionException, InterruptedException {
    return latest(eventsTopic, IsolationLevel.READ_UNCOMMITTED).values().stream().mapToLong(Long::longValue).sum();
  }

  /** True when no transaction is open on the events topic (last stable offset = high watermark). */
  boolean eventsStable() throws ExecutionException, InterruptedException {
    return latest(eventsTopic, IsolationLevel.READ_COMMITTED).equals(latest(eventsTopic, IsolationLevel.READ_UNCOMMITTED));
  }

  /** Frames not yet committed as processed by the group (end offset minus committed offset, summed). */
  long framesBehind() throws ExecutionException, InterruptedException {
    Map<TopicPartition, Long> end = latest(framesTopic, IsolationLevel.READ_UNCOMMITTED);
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long behind = 0;
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      behind += e.getValue() - (c == null ? 0 : c.offset());
    }
    return behind;
  }

  /** For each member of the group (by client id), the frames partitions assigned to it. */
  Map<String, Set<Integer>> owners() throws ExecutionException, InterruptedException {
    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    Map<String, Set<Integer>> out = new HashMap<>();
    for (MemberDescription m : d.members()) {
      Set<Integer> mine = m.assignment().topicPartitions().stream()
          .filter(tp -> tp.topic().equals(framesTopic)).map(TopicPartition::partition).collect(Collectors.toSet());
      out.merge(m.clientId().replaceAll("-StreamThread-\\d+-consumer$", ""), mine, (a, b) -> {
        Set<Integer> both = new java.util.TreeSet<>(a);
        both.addAll(b);
        return both;
      });
    }
    return out;
  }

  private Map<TopicPartition, Long> latest(String topic, IsolationLevel isolation)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResultInfo> result =
        admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get();
    Map<TopicPartition, Long> out = new HashMap<>();
    result.forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }
}
