-- Drip dispatch writes less per message (issue 14: 100,000 due partners queued at >= 10,000 a second).
-- No query reads these two indexes selectively, yet every step the dispatcher logs or moves on maintains them:
-- drip_send (chain_id, at): the per-chain statistics read every row; the digest filters on "at" alone.
DROP INDEX drip_send_chain_at;
-- drip_enrollment (chain_id, status): only read whole for per-chain counts; every step's update (a new row
-- version: due_at and status are indexed) added an entry to it.
DROP INDEX drip_enrollment_chain;
-- drip_send.enrollment_id -> drip_enrollment: checked row by row on every insert (a SELECT ... FOR KEY SHARE each).
-- The dispatcher is the only writer and writes a step only for an enrolment it holds locked in the same
-- transaction; enrolments are never deleted. The index drip_send_enrollment stays (the "clicked" condition).
ALTER TABLE drip_send DROP CONSTRAINT drip_send_enrollment_id_fkey;
