-- The same mix from the face events themselves (table face_emotions), by capture time: for hours
-- whose windows have not closed yet, or another grouping than the windows'.
SELECT coalesce(zone, '(no zone)')                          AS zone,
       date_trunc('hour', capture_time)                     AS hour,
       label,
       count(*)                                             AS faces,
       round(100.0 * count(*)
             / sum(count(*)) OVER (PARTITION BY coalesce(zone, '(no zone)'),
                                                date_trunc('hour', capture_time)), 1) AS percent
FROM face_emotions
GROUP BY 1, 2, 3
ORDER BY 1, 2, faces DESC, label;
