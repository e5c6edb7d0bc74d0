// A second process that keeps committing rows to a database, as the running standalone does while a backup reads
// it: `node sqlite-writer.js FILE`. Tells its parent `{ writing: count }` after its first commit, and on `stop`
// answers `{ stopped: count }` and exits. One row per transaction, so every commit is a new WAL frame.
const Database = require('better-sqlite3');

const db = new Database(process.argv[2]);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare('INSERT INTO documents (body) VALUES (?)');
const count = db.prepare('SELECT count(*) FROM documents').pluck();
const body = 'x'.repeat(512);
let stopping = false;
let told = false;

process.on('message', (message) => {
  if (message === 'stop') stopping = true;
});

function writeSome() {
  if (stopping) {
    process.send({ stopped: count.get() }, () => {
      db.close();
      process.exit(0);
    });
    return;
  }
  for (let i = 0; i < 20; i++) insert.run(body);
  if (!told) {
    told = true;
    process.send({ writing: count.get() });
  }
  setImmediate(writeSome);
}
writeSome();
