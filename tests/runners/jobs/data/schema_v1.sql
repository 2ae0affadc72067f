-- The jobs database as the service before the unique (token_id, sha256, revision) index wrote it.
CREATE TABLE tokens (
	id INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (token_hash)
);
CREATE TABLE jobs (
	id VARCHAR(32) NOT NULL, 
	token_id INTEGER NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	kind VARCHAR(10) NOT NULL, 
	size INTEGER NOT NULL, 
	pages INTEGER, 
	filename VARCHAR(300) NOT NULL, 
	doc_id VARCHAR(300) NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	stage VARCHAR(30) NOT NULL, 
	attempts INTEGER NOT NULL, 
	claimed_by VARCHAR(100), 
	lease_until FLOAT, 
	heartbeat_at FLOAT, 
	created_at FLOAT NOT NULL, 
	started_at FLOAT, 
	finished_at FLOAT, 
	outcome VARCHAR(20), 
	errors_json TEXT NOT NULL, 
	timings_json TEXT NOT NULL, 
	result_json TEXT, 
	document_path VARCHAR(300), 
	PRIMARY KEY (id), 
	FOREIGN KEY(token_id) REFERENCES tokens (id)
);
CREATE INDEX ix_jobs_token_sha ON jobs (token_id, sha256);
CREATE INDEX ix_jobs_status_created ON jobs (status, created_at);
