-- One row per pipeline run as its provider identifies it (a GitHub workflow run or check suite,
-- a GitLab pipeline, a Jenkins build), updated in place as its webhooks arrive.
CREATE TABLE pipelines (
  id INTEGER PRIMARY KEY,
  provider TEXT NOT NULL,
  external_id TEXT NOT NULL,
  repo TEXT NOT NULL,
  branch TEXT,
  sha TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 1,
  url TEXT,
  -- What a retry through the provider's API needs (JSON), e.g. GitLab's numeric project id.
  retry_ref TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (provider, repo, external_id)
);
-- The gate's question: the latest run of each pipeline of one commit.
CREATE INDEX pipelines_commit ON pipelines (repo, sha, name, updated_at);
CREATE INDEX pipelines_repo ON pipelines (repo, updated_at);

-- The last finished status of each pipeline on each branch: failed/recovered transitions and the
-- overview's "failing now".
CREATE TABLE lanes (
  repo TEXT NOT NULL,
  branch TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  pipeline_id INTEGER NOT NULL REFERENCES pipelines (id),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (repo, branch, name)
);
CREATE INDEX lanes_status ON lanes (status);

-- Build outputs a pipeline reported, per commit.
CREATE TABLE artifacts (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL,
  sha TEXT NOT NULL,
  pipeline_id INTEGER REFERENCES pipelines (id),
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  digest TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (repo, sha, name, url)
);
CREATE INDEX artifacts_commit ON artifacts (repo, sha);

-- Every decision of the deployment gate, newest last (shown by `plugd ci-pipelines gates`).
CREATE TABLE gate_decisions (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  app TEXT NOT NULL,
  repo TEXT,
  sha TEXT,
  allowed INTEGER NOT NULL,
  reason TEXT NOT NULL,
  override TEXT
);
