-- Tables of the PostgreSQL sink (examples/python/pg_sink.py). Idempotent: the sink creates them at
-- start, and upserts every record by its natural key, so a record read twice (a restart before the
-- consumer's offsets were committed) leaves one row.

-- one row per face event (topic face-emotions)
CREATE TABLE IF NOT EXISTS face_emotions (
  camera_id       text        NOT NULL,
  frame_sequence  bigint      NOT NULL,
  face_index      integer     NOT NULL,
  capture_time    timestamptz NOT NULL,
  site_id         text,
  zone            text,
  tags            jsonb       NOT NULL DEFAULT '{}',
  face_count      integer     NOT NULL,
  label           text        NOT NULL,
  scores          jsonb       NOT NULL,          -- {"happy": 0.83, ...}
  detection_score real        NOT NULL,
  track_id        text,
  smoothed_label  text,
  model_name      text        NOT NULL,
  model_version   text        NOT NULL,
  latency_ms      bigint      NOT NULL,
  PRIMARY KEY (camera_id, frame_sequence, face_index)
);
CREATE INDEX IF NOT EXISTS face_emotions_zone_time ON face_emotions (zone, capture_time);

-- one row per camera and window (topic emotion-stats: final counts, one record per window)
CREATE TABLE IF NOT EXISTS emotion_stats (
  camera_id       text        NOT NULL,
  window_start    timestamptz NOT NULL,
  window_end      timestamptz NOT NULL,
  site_id         text,
  zone            text,
  faces           bigint      NOT NULL,
  counts          jsonb       NOT NULL,          -- {"happy": 12, "neutral": 3}
  unique_tracks   bigint      NOT NULL,
  frames_analysed bigint      NOT NULL,
  frames_shed     bigint      NOT NULL,
  model_version   text,
  PRIMARY KEY (camera_id, window_start)
);
CREATE INDEX IF NOT EXISTS emotion_stats_zone_time ON emotion_stats (zone, window_start);

-- one row per ended face track (topic face-tracks)
CREATE TABLE IF NOT EXISTS face_tracks (
  camera_id       text        NOT NULL,
  track_id        text        NOT NULL,
  first_seen      timestamptz NOT NULL,
  last_seen       timestamptz NOT NULL,
  dwell_ms        bigint      NOT NULL,
  frames          integer     NOT NULL,
  dominant_label  text        NOT NULL,
  mean_scores     jsonb       NOT NULL,
  site_id         text,
  zone            text,
  model_version   text,
  PRIMARY KEY (camera_id, track_id)
);

-- records the sink could not decode: kept with their bytes and the reason, never dropped silently
CREATE TABLE IF NOT EXISTS sink_rejects (
  topic           text        NOT NULL,
  "partition"     integer     NOT NULL,
  "offset"        bigint      NOT NULL,
  reason          text        NOT NULL,
  record_key      bytea,
  record_value    bytea,
  rejected_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, "partition", "offset")
);
