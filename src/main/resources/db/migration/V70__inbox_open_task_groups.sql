-- Inbox performance with a long history (bench/inbox-pages.sh, docs/benchmarks.md): "open tasks of
-- my groups" checked every open task against inbox_task_group, which keeps the group rows of all
-- closed tasks too; PostgreSQL hashed the whole table (200,000 rows after 1,000,000 requests) for
-- each of the inbox page's queries. The group rows now carry whether their task is still open
-- (maintained where a task is decided or closed), and the index finds a group's open tasks alone.
-- Portable SQL: runs on H2 (MODE=PostgreSQL) and PostgreSQL 15.
ALTER TABLE inbox_task_group ADD COLUMN task_open BOOLEAN DEFAULT TRUE NOT NULL;

UPDATE inbox_task_group SET task_open = FALSE
WHERE EXISTS (SELECT 1 FROM inbox_task t WHERE t.task_key = inbox_task_group.task_key AND t.state <> 'OPEN');

CREATE INDEX inbox_task_group_open ON inbox_task_group (group_name, task_open, task_key);
