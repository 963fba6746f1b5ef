"""`policy-assistant bench`: quality, latency, cost at scale and start-up, against a plain vector-RAG baseline."""
