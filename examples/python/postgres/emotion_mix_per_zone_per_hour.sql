-- Emotion mix per zone per hour, from the final window counts (table emotion_stats): faces per
-- label and their share of the zone's faces in that hour. Hours follow the session's time zone
-- (SET TIME ZONE 'UTC' for UTC hours). A window belongs to the hour its start falls in.
SELECT coalesce(s.zone, '(no zone)')                        AS zone,
       date_trunc('hour', s.window_start)                   AS hour,
       c.label,
       sum(c.faces)                                         AS faces,
       round(100.0 * sum(c.faces)
             / sum(sum(c.faces)) OVER (PARTITION BY coalesce(s.zone, '(no zone)'),
                                                    date_trunc('hour', s.window_start)), 1) AS percent
FROM emotion_stats s
CROSS JOIN LATERAL (SELECT key AS label, value::bigint AS faces FROM jsonb_each_text(s.counts)) c
GROUP BY 1, 2, 3
ORDER BY 1, 2, faces DESC, c.label;
