-- Level filters (level:error, level>=warn, the anomaly rule) walk only the lines of those levels,
-- newest first, instead of every line of the time range.
CREATE INDEX logs_level_ts ON logs (level, ts);
