"""Decoding emotion-stream's topics in Python, in both wire formats.

Needs only Debian's packages: python3-confluent-kafka (librdkafka) and python3-avro.

* registry format (Confluent wire format): byte 0, a 4-byte big-endian schema id, Avro binary.
  The writer's schema comes from the registry (GET <url>/schemas/ids/<id>), once per id.
* embedded format (Avro single-object encoding): bytes C3 01, the 8-byte schema fingerprint,
  Avro binary. The writer's schema comes from the schemas topic (compacted, default
  'emotion-schemas'): its records are keyed by those 8 bytes in hex and hold the schema's JSON.

Either way the writer's schema is resolved against the reader's own (the files under schemas/, or
any earlier version under schemas/history/), so a reader built against an older or newer schema
keeps working: fields it does not know are skipped, fields the writer lacked get their defaults.
"""

import collections
import io
import json
import os
import time
import urllib.request

import avro.io
import avro.schema
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

REGISTRY_MAGIC = 0
SINGLE_OBJECT_MAGIC = b"\xc3\x01"


class DecodeError(Exception):
    """A record that cannot be decoded; the message says which record and why."""


def load_reader_schemas(paths):
    """Reader schemas by full name, from .avsc files or folders of them."""
    schemas = {}
    for path in paths:
        files = [os.path.join(path, f) for f in sorted(os.listdir(path)) if f.endswith(".avsc")] \
            if os.path.isdir(path) else [path]
        for file in files:
            with open(file, encoding="utf-8") as f:
                schema = avro.schema.parse(f.read())
            schemas[schema.fullname] = schema
    return schemas


def _resolve(writer, readers, payload, where):
    reader = readers.get(writer.fullname, writer)
    try:
        return avro.io.DatumReader(writer, reader).read(avro.io.BinaryDecoder(io.BytesIO(payload)))
    except Exception as e:  # truncated or corrupt binary, or schemas that do not resolve
        raise DecodeError(f"{where}: not a valid {writer.fullname} ({type(e).__name__}: {e})") from e


class RegistryDecoder:
    """Confluent wire format; writer schemas fetched by id from a Confluent-compatible registry."""

    def __init__(self, registry_url, reader_schemas, timeout=10):
        self.url = registry_url.rstrip("/")
        self.readers = reader_schemas
        self.timeout = timeout
        self.by_id = {}

    def writer_schema(self, schema_id, where):
        if schema_id not in self.by_id:
            try:
                with urllib.request.urlopen(f"{self.url}/schemas/ids/{schema_id}", timeout=self.timeout) as r:
                    self.by_id[schema_id] = avro.schema.parse(json.load(r)["schema"])
            except urllib.error.HTTPError as e:
                if e.code == 404:
                    raise DecodeError(f"{where}: schema id {schema_id} is unknown to the registry at {self.url}") from e
                raise
        return self.by_id[schema_id]

    def decode(self, value, where):
        if value is None or len(value) < 5 or value[0] != REGISTRY_MAGIC:
            raise DecodeError(f"{where}: not in the Confluent wire format "
                              f"({0 if value is None else len(value)} bytes, first byte "
                              f"{'none' if not value else hex(value[0])})")
        schema_id = int.from_bytes(value[1:5], "big")
        return _resolve(self.writer_schema(schema_id, where), self.readers, value[5:], where)


class EmbeddedDecoder:
    """Avro single-object encoding; writer schemas found by fingerprint on the schemas topic."""

    def __init__(self, bootstrap_servers, schemas_topic, reader_schemas, extra_config=None):
        self.config = {"bootstrap.servers": bootstrap_servers, **(extra_config or {})}
        self.topic = schemas_topic
        self.readers = reader_schemas
        self.by_fingerprint = {}
        self.missed = {}

    def refresh(self):
        """Reads the schemas topic to its end."""
        for record in read_to_end(self.config, [self.topic])[self.topic]:
            if record.key is None or record.value is None:
                continue
            try:
                schema = avro.schema.parse(record.value.decode("utf-8"))
            except Exception:
                continue  # not a schema: the processor logs such records; readers skip them
            self.by_fingerprint.setdefault(record.key.decode("ascii"), schema)

    def decode(self, value, where):
        if value is None or len(value) < 10 or value[:2] != SINGLE_OBJECT_MAGIC:
            raise DecodeError(f"{where}: not Avro single-object encoded")
        fingerprint = value[2:10].hex()
        # a writer publishes its schema just before its first record: reread the topic for a new
        # fingerprint, and for one it did not hold only every few seconds
        if fingerprint not in self.by_fingerprint and time.monotonic() - self.missed.get(fingerprint, -1e9) > 5:
            self.refresh()
        if fingerprint not in self.by_fingerprint:
            self.missed[fingerprint] = time.monotonic()
            raise DecodeError(f"{where}: schema fingerprint {fingerprint} is not on the schemas topic {self.topic}")
        return _resolve(self.by_fingerprint[fingerprint], self.readers, value[10:], where)


Record = collections.namedtuple("Record", "topic partition offset key value")


def read_to_end(config, topics, timeout=30.0):
    """Every record of the topics, from the beginning to their end as it is now, without joining a
    consumer group (nothing is committed): {topic: [Record, ...]}, each partition in offset order.
    A topic that does not exist gives an empty list."""
    consumer = Consumer({**config, "group.id": "emotion-stream-example-reader", "enable.auto.commit": False})
    try:
        metadata = consumer.list_topics(timeout=timeout)
        assignment, ends = [], {}
        for topic in topics:
            if topic not in metadata.topics or metadata.topics[topic].error is not None:
                continue
            for p in metadata.topics[topic].partitions:
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=timeout)
                if high > low:
                    assignment.append(TopicPartition(topic, p, OFFSET_BEGINNING))
                    ends[(topic, p)] = high
        out = {t: [] for t in topics}
        if assignment:
            consumer.assign(assignment)
        done = set()
        deadline = time.monotonic() + timeout
        while len(done) < len(ends):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topics} not read to their end within {timeout} s")
            message = consumer.poll(0.5)
            if message is None:
                # read_committed: transaction markers take offsets too, so a partition's end may lie
                # past its last record; the consumer's position passes them
                for (topic, p), end in ends.items():
                    if (topic, p) not in done and consumer.position([TopicPartition(topic, p)])[0].offset >= end:
                        done.add((topic, p))
                continue
            if message.error():
                raise RuntimeError(f"reading {message.topic()}: {message.error()}")
            position = (message.topic(), message.partition())
            if position in done:
                continue
            deadline = time.monotonic() + timeout
            out[message.topic()].append(Record(message.topic(), message.partition(), message.offset(),
                                               message.key(), message.value()))
            if message.offset() + 1 >= ends[position]:
                done.add(position)
        return out
    finally:
        consumer.close()

