#!/usr/bin/python3
"""Per-camera summary of emotion-stream's events: reads face-emotions and emotion-stats from the
beginning to their current end and prints, per camera, its site and zone, the faces seen, the
distinct people (anonymous face tracks), the emotion mix, and what the final window counts say.

    /usr/bin/python3 examples/python/summary.py --bootstrap-servers kafka:9092 \\
        --format registry --registry-url http://registry:8080/apis/ccompat/v7
    /usr/bin/python3 examples/python/summary.py --bootstrap-servers kafka:9092   # embedded format

Debian packages: python3-confluent-kafka, python3-avro. A record that cannot be decoded is
reported on stderr (topic, partition, offset, why) and counted; the others are summarised.
"""

import argparse
import collections
import json
import os
import sys

from emotion_events import DecodeError, EmbeddedDecoder, RegistryDecoder, load_reader_schemas, read_to_end

HERE = os.path.dirname(os.path.abspath(__file__))


def arguments(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bootstrap-servers", default="localhost:9092")
    p.add_argument("--format", choices=["embedded", "registry"], default="embedded",
                   help="the processor's wire.format (default: embedded)")
    p.add_argument("--registry-url", default="http://localhost:8080/apis/ccompat/v7")
    p.add_argument("--schemas-topic", default="emotion-schemas", help="embedded format: where writers publish schemas")
    p.add_argument("--events-topic", default="face-emotions")
    p.add_argument("--stats-topic", default="emotion-stats")
    p.add_argument("--reader-schemas", action="append",
                   help="the reader's own .avsc files or folders (default: the repository's schemas/)")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    return p.parse_args(argv)


def decoder(args):
    readers = load_reader_schemas(args.reader_schemas or [os.path.join(HERE, "..", "..", "schemas")])
    if args.format == "registry":
        return RegistryDecoder(args.registry_url, readers)
    return EmbeddedDecoder(args.bootstrap_servers, args.schemas_topic, readers)


def summarise(events, windows):
    """events: FaceEmotion dicts; windows: EmotionStats dicts (final, one per camera and window)."""
    cameras = collections.defaultdict(lambda: {"site": None, "zone": None, "faces": 0, "labels": collections.Counter(),
                                               "tracks": set(), "windows": 0, "windowFaces": 0,
                                               "framesAnalysed": 0, "framesShed": 0})
    for e in events:
        c = cameras[e["cameraId"]]
        c["site"] = e.get("siteId") or c["site"]
        c["zone"] = e.get("zone") or c["zone"]
        c["faces"] += 1
        c["labels"][e["label"]] += 1
        if e.get("trackId"):
            c["tracks"].add(e["trackId"])
    # a consumer keeps one record per camera and window: the processor sends each once, and only
    # a crash under at_least_once can repeat one (with the same counts)
    latest = {}
    for w in windows:
        latest[(w["cameraId"], w["windowStart"])] = w
    for (camera, _), w in sorted(latest.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        c = cameras[camera]
        c["site"] = c["site"] or w.get("siteId")
        c["zone"] = c["zone"] or w.get("zone")
        c["windows"] += 1
        c["windowFaces"] += w["faces"]
        c["framesAnalysed"] += w.get("framesAnalysed", 0)
        c["framesShed"] += w.get("framesShed", 0)
    out = {}
    for camera in sorted(cameras):
        c = cameras[camera]
        out[camera] = {"site": c["site"], "zone": c["zone"], "faces": c["faces"], "people": len(c["tracks"]),
                       "labels": dict(sorted(c["labels"].items())),
                       "dominant": c["labels"].most_common(1)[0][0] if c["labels"] else None,
                       "windows": c["windows"], "windowFaces": c["windowFaces"],
                       "framesAnalysed": c["framesAnalysed"], "framesShed": c["framesShed"]}
    return out


def table(summary):
    lines = [f"{'camera':<16} {'site':<10} {'zone':<10} {'faces':>6} {'people':>6} {'windows':>7} "
             f"{'frames':>6} {'shed':>5}  emotion mix"]
    for camera, c in summary.items():
        mix = ", ".join(f"{label} {100 * n / c['faces']:.0f}%"
                        for label, n in sorted(c["labels"].items(), key=lambda kv: -kv[1])) if c["faces"] else "-"
        lines.append(f"{camera:<16} {c['site'] or '-':<10} {c['zone'] or '-':<10} {c['faces']:>6} {c['people']:>6} "
                     f"{c['windows']:>7} {c['framesAnalysed']:>6} {c['framesShed']:>5}  {mix}")
    return "\n".join(lines)


def main(argv=None):
    args = arguments(argv)
    decode = decoder(args)
    topics = [args.events_topic, args.stats_topic]
    records = read_to_end({"bootstrap.servers": args.bootstrap_servers}, topics)
    decoded = {t: [] for t in topics}
    skipped = 0
    for topic in topics:
        for r in records[topic]:
            where = f"{r.topic}[{r.partition}]@{r.offset}"
            try:
                decoded[topic].append(decode.decode(r.value, where))
            except DecodeError as e:
                skipped += 1
                print(f"skipped {e}", file=sys.stderr)
    summary = summarise(decoded[args.events_topic], decoded[args.stats_topic])
    if args.json:
        print(json.dumps({"cameras": summary, "events": len(decoded[args.events_topic]),
                          "windowRecords": len(decoded[args.stats_topic]), "skipped": skipped}, sort_keys=True))
    else:
        print(table(summary))
        print(f"{len(decoded[args.events_topic])} events, {len(decoded[args.stats_topic])} window records"
              + (f", {skipped} skipped (see above)" if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
