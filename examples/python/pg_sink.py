#!/usr/bin/python3
"""PostgreSQL sink for emotion-stream: face events, final window counts and ended face tracks land
in tables a dashboard can query (postgres/schema.sql; sample query:
postgres/emotion_mix_per_zone_per_hour.sql).

    /usr/bin/python3 examples/python/pg_sink.py --bootstrap-servers kafka:9092 \\
        --format registry --registry-url http://registry:8080/apis/ccompat/v7 \\
        --dsn "host=db dbname=emotions user=emotion"

Delivery: a consumer group (--group) reads the topics; each batch is written in one database
transaction, and the group's offsets are committed only after it: at least once, and every table is
upserted by its natural key (camera, frame, face / camera, window / camera, track), so a batch read
again after a crash leaves the same rows. A record that cannot be decoded goes to sink_rejects with
its bytes and the reason (and is reported on stderr); the others go on.

Debian packages: python3-confluent-kafka, python3-avro, python3-psycopg2.
"""

import argparse
import json
import os
import sys
import time

import psycopg2
import psycopg2.extras
from confluent_kafka import Consumer

from emotion_events import DecodeError, EmbeddedDecoder, RegistryDecoder, load_reader_schemas

HERE = os.path.dirname(os.path.abspath(__file__))


def arguments(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bootstrap-servers", default="localhost:9092")
    p.add_argument("--format", choices=["embedded", "registry"], default="embedded")
    p.add_argument("--registry-url", default="http://localhost:8080/apis/ccompat/v7")
    p.add_argument("--schemas-topic", default="emotion-schemas")
    p.add_argument("--events-topic", default="face-emotions")
    p.add_argument("--stats-topic", default="emotion-stats")
    p.add_argument("--tracks-topic", default="face-tracks")
    p.add_argument("--group", default="emotion-pg-sink", help="consumer group (its offsets say what was written)")
    p.add_argument("--dsn", required=True, help="libpq connection string, e.g. 'host=db dbname=emotions user=emotion'")
    p.add_argument("--reader-schemas", action="append", help="default: the repository's schemas/")
    p.add_argument("--batch", type=int, default=500, help="records per database transaction at most")
    p.add_argument("--until-idle", type=float, default=0,
                   help="exit after this many seconds without a record (0: run until interrupted)")
    return p.parse_args(argv)


def labelled(scores):
    return json.dumps({s["label"]: s["score"] for s in scores})


def write_event(cur, e):
    cur.execute("""
        INSERT INTO face_emotions (camera_id, frame_sequence, face_index, capture_time, site_id, zone, tags,
          face_count, label, scores, detection_score, track_id, smoothed_label, model_name, model_version, latency_ms)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (camera_id, frame_sequence, face_index) DO UPDATE SET
          capture_time = EXCLUDED.capture_time, site_id = EXCLUDED.site_id, zone = EXCLUDED.zone, tags = EXCLUDED.tags,
          face_count = EXCLUDED.face_count, label = EXCLUDED.label, scores = EXCLUDED.scores,
          detection_score = EXCLUDED.detection_score, track_id = EXCLUDED.track_id,
          smoothed_label = EXCLUDED.smoothed_label, model_name = EXCLUDED.model_name,
          model_version = EXCLUDED.model_version, latency_ms = EXCLUDED.latency_ms""",
                (e["cameraId"], e["frameSequence"], e["faceIndex"], e["captureTime"], e.get("siteId"), e.get("zone"),
                 json.dumps(e.get("tags") or {}), e.get("faceCount", 1), e["label"], labelled(e["scores"]),
                 e["detectionScore"], e.get("trackId"), e.get("smoothedLabel"), e["modelName"], e["modelVersion"],
                 e["latencyMs"]))


def write_window(cur, w):
    cur.execute("""
        INSERT INTO emotion_stats (camera_id, window_start, window_end, site_id, zone, faces, counts, unique_tracks,
          frames_analysed, frames_shed, model_version)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (camera_id, window_start) DO UPDATE SET
          window_end = EXCLUDED.window_end, site_id = EXCLUDED.site_id, zone = EXCLUDED.zone, faces = EXCLUDED.faces,
          counts = EXCLUDED.counts, unique_tracks = EXCLUDED.unique_tracks, frames_analysed = EXCLUDED.frames_analysed,
          frames_shed = EXCLUDED.frames_shed, model_version = EXCLUDED.model_version""",
                (w["cameraId"], w["windowStart"], w["windowEnd"], w.get("siteId"), w.get("zone"), w["faces"],
                 json.dumps(w["counts"]), w.get("uniqueTracks", 0), w.get("framesAnalysed", 0), w.get("framesShed", 0),
                 w.get("modelVersion")))


def write_track(cur, t):
    cur.execute("""
        INSERT INTO face_tracks (camera_id, track_id, first_seen, last_seen, dwell_ms, frames, dominant_label,
          mean_scores, site_id, zone, model_version)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (camera_id, track_id) DO UPDATE SET
          first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen, dwell_ms = EXCLUDED.dwell_ms,
          frames = EXCLUDED.frames, dominant_label = EXCLUDED.dominant_label, mean_scores = EXCLUDED.mean_scores,
          site_id = EXCLUDED.site_id, zone = EXCLUDED.zone, model_version = EXCLUDED.model_version""",
                (t["cameraId"], t["trackId"], t["firstSeen"], t["lastSeen"], t["dwellMs"], t["frames"],
                 t["dominantLabel"], labelled(t["meanScores"]), t.get("siteId"), t.get("zone"), t.get("modelVersion")))


def reject(cur, message, reason):
    cur.execute("""
        INSERT INTO sink_rejects (topic, "partition", "offset", reason, record_key, record_value)
        VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING""",
                (message.topic(), message.partition(), message.offset(), reason,
                 psycopg2.Binary(message.key()) if message.key() is not None else None,
                 psycopg2.Binary(message.value()) if message.value() is not None else None))


def main(argv=None):
    args = arguments(argv)
    readers = load_reader_schemas(args.reader_schemas or [os.path.join(HERE, "..", "..", "schemas")])
    decoder = RegistryDecoder(args.registry_url, readers) if args.format == "registry" \
        else EmbeddedDecoder(args.bootstrap_servers, args.schemas_topic, readers)
    writers = {args.events_topic: write_event, args.stats_topic: write_window, args.tracks_topic: write_track}
    db = psycopg2.connect(args.dsn)
    with db, db.cursor() as cur, open(os.path.join(HERE, "postgres", "schema.sql"), encoding="utf-8") as ddl:
        cur.execute(ddl.read())
    consumer = Consumer({"bootstrap.servers": args.bootstrap_servers, "group.id": args.group,
                         "enable.auto.commit": False, "auto.offset.reset": "earliest",
                         "isolation.level": "read_committed"})
    consumer.subscribe(list(writers))
    written = rejected = 0
    last_record = time.monotonic()
    try:
        while True:
            messages = consumer.consume(args.batch, 1.0)
            if not messages:
                if args.until_idle and time.monotonic() - last_record > args.until_idle:
                    break
                continue
            last_record = time.monotonic()
            with db, db.cursor() as cur:  # one transaction per batch
                for m in messages:
                    if m.error():
                        raise RuntimeError(f"reading {m.topic()}: {m.error()}")
                    where = f"{m.topic()}[{m.partition()}]@{m.offset()}"
                    try:
                        record = decoder.decode(m.value(), where)
                        cur.execute("SAVEPOINT record")
                        writers[m.topic()](cur, record)
                        cur.execute("RELEASE SAVEPOINT record")
                        written += 1
                    except (DecodeError, KeyError, psycopg2.DataError) as e:
                        if not isinstance(e, DecodeError):
                            cur.execute("ROLLBACK TO SAVEPOINT record")
                        reason = str(e) if isinstance(e, DecodeError) else f"{where}: cannot be stored ({type(e).__name__}: {e})"
                        print(f"rejected {reason}", file=sys.stderr)
                        reject(cur, m, reason)
                        rejected += 1
            consumer.commit(asynchronous=False)  # only after the rows are committed
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
        db.close()
    print(f"{written} records written, {rejected} rejected (table sink_rejects)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
