'use strict';
// Probes which MongoDB features the local server (FerretDB on SQLite) accepts, so the services stay within what both
// MongoDB and FerretDB support. Prints one line per feature: "yes" or "NO" with the server's error.
// Usage: node deploy/local/mongo-compat.js [mongodb-url]   (default ACS_MONGO_URL or mongodb://127.0.0.1:27017/acs)
const mongoose = require('mongoose');

const url = process.argv[2] || process.env.ACS_MONGO_URL || 'mongodb://127.0.0.1:27017/acs';
const dbName = `acs_compat_${Date.now()}`;

function assert(condition, message) {
  if (!condition) throw new Error(`wrong result: ${message}`);
}

// Each probe throws when the server refuses the operation or, worse, silently returns a wrong result.
const probes = [
  ['CRUD: insertMany, find with sort/skip/limit/projection', async ({ c }) => {
    await c.insertMany([{ n: 1, g: 'a' }, { n: 2, g: 'b' }, { n: 3, g: 'a' }]);
    const docs = await c.find({ g: 'a' }, { projection: { _id: 0, n: 1 } }).sort({ n: -1 }).skip(0).limit(5).toArray();
    assert(docs.length === 2 && docs[0].n === 3 && docs[0].g === undefined, JSON.stringify(docs));
  }],
  ['update $set $inc $unset $min $max $mul $rename $currentDate $addToSet', async ({ c }) => {
    await c.insertOne({ _id: 'u', a: 1, b: 5, m: 2, old: 1, zz: 1, set: ['x'] });
    await c.updateOne({ _id: 'u' }, { $set: { s: 1 }, $inc: { a: 1 }, $unset: { zz: '' }, $min: { b: 3 }, $max: { m: 4 }, $rename: { old: 'renamed' }, $currentDate: { at: true }, $addToSet: { set: 'x' } });
    await c.updateOne({ _id: 'u' }, { $mul: { m: 2 } });
    const d = await c.findOne({ _id: 'u' });
    assert(d.a === 2 && d.b === 3 && d.m === 8 && d.renamed === 1 && d.zz === undefined && d.at instanceof Date && d.set.length === 1, JSON.stringify(d));
  }],
  ['update $push with $each, $pop, $pullAll, $pull by value', async ({ c }) => {
    await c.insertOne({ _id: 'p', list: [1] });
    await c.updateOne({ _id: 'p' }, { $push: { list: { $each: [2, 3, 4] } } });
    await c.updateOne({ _id: 'p' }, { $pop: { list: 1 } });
    await c.updateOne({ _id: 'p' }, { $pullAll: { list: [1] } });
    await c.updateOne({ _id: 'p' }, { $pull: { list: 2 } });
    const d = await c.findOne({ _id: 'p' });
    assert(d.list.join() === '3', JSON.stringify(d));
  }],
  ['update $push with $slice (capped array)', async ({ c }) => {
    await c.insertOne({ _id: 's', list: [1, 2] });
    await c.updateOne({ _id: 's' }, { $push: { list: { $each: [3], $slice: -2 } } });
    const d = await c.findOne({ _id: 's' });
    assert(d.list.join() === '2,3', `silently ignored: ${JSON.stringify(d.list)}`);
  }],
  ['update $push with $sort / $position', async ({ c }) => {
    await c.insertOne({ _id: 's', list: [2] });
    await c.updateOne({ _id: 's' }, { $push: { list: { $each: [1], $position: 0 } } });
    const d = await c.findOne({ _id: 's' });
    assert(d.list.join() === '1,2', `silently ignored: ${JSON.stringify(d.list)}`);
  }],
  ['update $pull with a sub-document match', async ({ c }) => {
    await c.insertOne({ _id: 'pd', arr: [{ s: 'a' }, { s: 'b' }] });
    await c.updateOne({ _id: 'pd' }, { $pull: { arr: { s: 'a' } } });
    const d = await c.findOne({ _id: 'pd' });
    assert(d.arr.length === 1, JSON.stringify(d));
  }],
  ['update $pull with a query condition ({ $gte: … })', async ({ c }) => {
    await c.insertOne({ _id: 'pc', nums: [1, 200] });
    await c.updateOne({ _id: 'pc' }, { $pull: { nums: { $gte: 100 } } });
    const d = await c.findOne({ _id: 'pc' });
    assert(d.nums.length === 1, `silently ignored: ${JSON.stringify(d.nums)}`);
  }],
  ['update with arrayFilters ($[elem])', async ({ c }) => {
    await c.insertOne({ _id: 'af', items: [{ s: 'a', v: 1 }, { s: 'b', v: 1 }] });
    await c.updateOne({ _id: 'af' }, { $set: { 'items.$[i].v': 2 } }, { arrayFilters: [{ 'i.s': 'b' }] });
    const d = await c.findOne({ _id: 'af' });
    assert(d.items[1].v === 2, JSON.stringify(d));
  }],
  ['positional $ update (items.$.v)', async ({ c }) => {
    await c.insertOne({ _id: 'pos', items: [{ s: 'a', v: 1 }, { s: 'b', v: 1 }] });
    await c.updateOne({ _id: 'pos', 'items.s': 'b' }, { $set: { 'items.$.v': 3 } });
    const d = await c.findOne({ _id: 'pos' });
    assert(d.items[1].v === 3, JSON.stringify(d));
  }],
  ['update by array index path (items.1.v)', async ({ c }) => {
    await c.insertOne({ _id: 'ix', items: [{ v: 1 }, { v: 1 }] });
    await c.updateOne({ _id: 'ix' }, { $set: { 'items.1.v': 4 } });
    assert((await c.findOne({ _id: 'ix' })).items[1].v === 4, 'index path');
  }],
  ['update with an aggregation pipeline', async ({ c }) => {
    await c.insertOne({ _id: 'pipe', a: 1 });
    await c.updateOne({ _id: 'pipe' }, [{ $set: { b: { $add: ['$a', 1] } } }]);
    assert((await c.findOne({ _id: 'pipe' })).b === 2, 'pipeline update');
  }],
  ['upsert with $setOnInsert and dotted filter; findOneAndUpdate returnDocument=after', async ({ c }) => {
    const r = await c.findOneAndUpdate({ _id: 'up', 'k.x': 1 }, { $setOnInsert: { created: 1 }, $inc: { hits: 1 } }, { upsert: true, returnDocument: 'after' });
    assert(r && r.created === 1 && r.hits === 1 && r.k.x === 1, JSON.stringify(r));
  }],
  ['replaceOne, updateMany, findOneAndDelete, deleteMany, countDocuments, estimatedDocumentCount, distinct', async ({ c }) => {
    await c.insertMany([{ _id: 1, k: 1 }, { k: 2 }, { k: 2 }]);
    await c.replaceOne({ _id: 1 }, { k: 1, replaced: true });
    await c.updateMany({ k: 2 }, { $set: { m: 1 } });
    assert((await c.distinct('k')).length === 2, 'distinct');
    assert((await c.countDocuments({ m: 1 })) === 2, 'countDocuments');
    assert((await c.estimatedDocumentCount()) === 3, 'estimatedDocumentCount');
    assert((await c.findOneAndDelete({ k: 1 })).replaced === true, 'findOneAndDelete');
    assert((await c.deleteMany({ k: 2 })).deletedCount === 2, 'deleteMany');
  }],
  ['bulkWrite (unordered, mixed ops)', async ({ c }) => {
    const r = await c.bulkWrite([{ insertOne: { document: { _id: 1 } } }, { updateOne: { filter: { _id: 1 }, update: { $set: { x: 1 } } } }, { deleteOne: { filter: { _id: 2 } } }], { ordered: false });
    assert(r.insertedCount === 1 && r.modifiedCount === 1, JSON.stringify(r));
  }],
  ['query $in $nin $ne $exists $or $and $not $gt/$lte $size $all $regex(i) $type $mod, dotted array path', async ({ c }) => {
    await c.insertMany([{ t: 'Device-1', v: 4, arr: [{ v: 1 }, { v: 5 }], n: [1, 2] }, { t: 'other', v: 1, arr: [], n: [] }]);
    const r = await c.find({ $and: [{ t: { $regex: '^device', $options: 'i' } }, { $or: [{ v: { $gt: 3, $lte: 4 } }, { t: { $in: ['x'] } }] }, { arr: { $size: 2 } }, { n: { $all: [1, 2] } }, { q: { $exists: false } }, { t: { $ne: 'x', $nin: ['y'] } }, { v: { $not: { $lt: 2 } } }, { v: { $type: 'number' } }, { v: { $mod: [2, 0] } }, { 'arr.v': 5 }] }).toArray();
    assert(r.length === 1, JSON.stringify(r));
  }],
  ['query $elemMatch on an array of scalars', async ({ c }) => {
    await c.insertOne({ nums: [1, 5, 200] });
    assert((await c.find({ nums: { $elemMatch: { $gt: 4, $lt: 6 } } }).toArray()).length === 1, 'no match');
  }],
  ['query $elemMatch on an array of sub-documents', async ({ c }) => {
    await c.insertOne({ arr: [{ v: 1, s: 'a' }, { v: 5, s: 'b' }] });
    const n = (await c.find({ arr: { $elemMatch: { v: 5, s: 'b' } } }).toArray()).length;
    assert(n === 1, `matched ${n} of 1`);
  }],
  ['$expr in find', async ({ c }) => {
    await c.insertMany([{ a: 2, b: 1 }, { a: 1, b: 2 }]);
    assert((await c.find({ $expr: { $gt: ['$a', '$b'] } }).toArray()).length === 1, '$expr');
  }],
  ['find projection $elemMatch / $slice', async ({ c }) => {
    await c.insertOne({ _id: 1, nums: [1, 2, 3] });
    const d = await c.findOne({ _id: 1 }, { projection: { nums: { $slice: 1 } } });
    assert(d.nums.length === 1, JSON.stringify(d));
  }],
  ['cursor hint, explain, maxTimeMS, getMore over 250 documents', async ({ c }) => {
    await c.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    assert((await c.find({}).batchSize(50).maxTimeMS(5000).hint({ _id: 1 }).toArray()).length === 250, 'getMore');
    await c.find({}).explain();
  }],
  ['aggregate $match $sort $skip $limit $unwind $count $addFields/$set(constant) $unset', async ({ c }) => {
    await c.insertMany([{ g: 'a', v: 1, arr: [1, 2] }, { g: 'a', v: 3, arr: [3] }, { g: 'b', v: 2, arr: [] }]);
    const r = await c.aggregate([{ $match: { v: { $gte: 1 } } }, { $unwind: '$arr' }, { $set: { w: 1 } }, { $unset: 'g' }, { $sort: { arr: -1 } }, { $skip: 1 }, { $limit: 5 }]).toArray();
    assert(r.length === 2 && r[0].arr === 2 && r[0].w === 1 && r[0].g === undefined, JSON.stringify(r));
    const n = await c.aggregate([{ $match: {} }, { $count: 'n' }]).toArray();
    assert(n[0].n === 3, JSON.stringify(n));
  }],
  ['aggregate $group with one accumulator ($sum of a field, $sum: 1, $count), simple or compound _id', async ({ c }) => {
    await c.insertMany([{ g: 'a', v: 1 }, { g: 'a', v: 3 }, { g: 'b', v: 2 }]);
    const total = await c.aggregate([{ $group: { _id: { g: '$g' }, total: { $sum: '$v' } } }, { $sort: { '_id.g': 1 } }]).toArray();
    const ones = await c.aggregate([{ $group: { _id: '$g', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
    const counted = await c.aggregate([{ $group: { _id: '$g', n: { $count: {} } } }, { $sort: { _id: 1 } }]).toArray();
    assert(total[0].total === 4 && ones[0].n === 2 && counted[0].n === 2, JSON.stringify([total, ones, counted]));
  }],
  ['aggregate $group with two accumulators in one stage', async ({ c }) => {
    await c.insertMany([{ g: 'a', v: 1 }, { g: 'a', v: 3 }]);
    const r = await c.aggregate([{ $group: { _id: '$g', total: { $sum: '$v' }, n: { $sum: 1 } } }]).toArray();
    assert(r[0].total === 4 && r[0].n === 2, `only the first accumulator is computed: ${JSON.stringify(r)}`);
  }],
  ['aggregate $group with $min/$max/$avg/$first/$last/$push/$addToSet', async ({ c }) => {
    await c.insertOne({ g: 'a', v: 1 });
    await c.aggregate([{ $group: { _id: '$g', max: { $max: '$v' } } }]).toArray();
  }],
  ['aggregate $project with a field path or an expression ($add, $concat…)', async ({ c }) => {
    await c.insertOne({ v: 1 });
    const r = await c.aggregate([{ $project: { w: '$v' } }]).toArray();
    assert(r[0].w === 1, `returned ${JSON.stringify(r[0].w)} instead of 1`);
  }],
  ['aggregate $lookup', async ({ db, c }) => {
    await db.collection('other').insertOne({ k: 1, name: 'x' });
    await c.insertOne({ k: 1 });
    const r = await c.aggregate([{ $lookup: { from: 'other', localField: 'k', foreignField: 'k', as: 'o' } }]).toArray();
    assert(r[0].o.length === 1, JSON.stringify(r));
  }],
  ['aggregate $facet / $bucket / $sortByCount / $sample / $replaceRoot', async ({ c }) => {
    await c.insertOne({ a: 1 });
    await c.aggregate([{ $facet: { n: [{ $count: 'n' }] } }]).toArray();
  }],
  ['aggregate $out / $merge', async ({ c }) => {
    await c.insertOne({ a: 1 });
    await c.aggregate([{ $out: 'out_target' }]).toArray();
  }],
  ['unique index + duplicate key error code 11000', async ({ c }) => {
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ email: 'a' });
    try {
      await c.insertOne({ email: 'a' });
    } catch (error) {
      assert(error.code === 11000, `code ${error.code}`);
      return;
    }
    throw new Error('duplicate accepted');
  }],
  ['compound index with descending key, listIndexes, dropIndex', async ({ c }) => {
    await c.createIndex({ a: 1, b: -1 }, { name: 'a_b' });
    assert((await c.listIndexes().toArray()).some((i) => i.name === 'a_b'), 'listIndexes');
    await c.dropIndex('a_b');
  }],
  ['index on a nested field and on an array field (multikey)', async ({ c }) => {
    await c.createIndex({ 'x.y': 1 });
    await c.createIndex({ tags: 1 });
    await c.insertOne({ x: { y: 1 }, tags: ['a', 'b'] });
    assert((await c.find({ tags: 'b' }).toArray()).length === 1, 'multikey query');
  }],
  ['sparse index (also unique + sparse)', async ({ c }) => {
    await c.createIndex({ s: 1 }, { sparse: true, unique: true });
  }],
  ['TTL index (expireAfterSeconds)', async ({ c }) => {
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 60 });
  }],
  ['partial index (partialFilterExpression)', async ({ c }) => {
    await c.createIndex({ p: 1 }, { partialFilterExpression: { p: { $exists: true } } });
  }],
  ['text index / $text', async ({ c }) => {
    await c.createIndex({ body: 'text' });
    await c.insertOne({ body: 'hello world' });
    await c.find({ $text: { $search: 'hello' } }).toArray();
  }],
  ['2dsphere index', async ({ c }) => {
    await c.createIndex({ loc: '2dsphere' });
  }],
  ['hashed index', async ({ c }) => {
    await c.createIndex({ h: 'hashed' });
  }],
  ['collation on a query', async ({ c }) => {
    await c.insertOne({ name: 'A' });
    await c.find({ name: 'a' }, { collation: { locale: 'en', strength: 2 } }).toArray();
  }],
  ['capped collection', async ({ db }) => {
    await db.createCollection('capped', { capped: true, size: 1 << 20 });
  }],
  ['$jsonSchema collection validator', async ({ db }) => {
    await db.createCollection('validated', { validator: { $jsonSchema: { required: ['a'] } } });
  }],
  ['renameCollection / listCollections / drop', async ({ db }) => {
    await db.collection('r1').insertOne({ a: 1 });
    await db.renameCollection('r1', 'r2');
    assert((await db.listCollections({ name: 'r2' }).toArray()).length === 1, 'listCollections');
    await db.collection('r2').drop();
  }],
  ['Date, ObjectId, Binary, Long, nested document round trip; sort by Date', async ({ c }) => {
    const { ObjectId, Binary, Long } = mongoose.mongo;
    const at = new Date();
    const id = new ObjectId();
    await c.insertOne({ _id: id, at, bin: new Binary(Buffer.from('ab')), l: Long.fromNumber(2 ** 40), doc: { a: { b: [1] } } });
    const d = await c.find({ at: { $lte: new Date() } }).sort({ at: -1 }).next();
    assert(d._id.equals(id) && d.at.getTime() === at.getTime() && d.bin.buffer.length === 2 && d.doc.a.b[0] === 1, JSON.stringify(d));
  }],
  ['Decimal128 values', async ({ c }) => {
    await c.insertOne({ _id: 'dec', d: mongoose.mongo.Decimal128.fromString('1.10') });
  }],
  ['writeConcern majority / readConcern majority', async ({ db }) => {
    const c = db.collection('wc', { writeConcern: { w: 'majority' }, readConcern: { level: 'majority' } });
    await c.insertOne({ a: 1 });
    await c.findOne({ a: 1 });
  }],
  ['multi-document transaction (session.withTransaction)', async ({ client, c }) => {
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await c.insertOne({ t: 1 }, { session });
      });
    } finally {
      await session.endSession();
    }
  }],
  ['change stream (collection.watch)', async ({ c }) => {
    const stream = c.watch();
    try {
      await Promise.race([stream.tryNext(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), 3000))]);
    } finally {
      await stream.close();
    }
  }],
  ['mongoose: schema indexes via Model.init / syncIndexes, lean find, updateOne, timestamps', async ({ connection }) => {
    const schema = new mongoose.Schema({ deviceId: { type: String, unique: true }, n: Number }, { timestamps: true });
    schema.index({ n: 1, deviceId: -1 });
    const M = connection.model('CompatDevice', schema, 'mongoose_devices');
    await M.syncIndexes();
    await M.create({ deviceId: 'd1', n: 1 });
    await M.updateOne({ deviceId: 'd1' }, { $inc: { n: 1 } });
    const d = await M.findOne({ deviceId: 'd1' }).lean();
    assert(d.n === 2 && d.createdAt instanceof Date, JSON.stringify(d));
  }],
  ['mongoose: populate (separate query, no $lookup)', async ({ connection }) => {
    const Owner = connection.model('CompatOwner', new mongoose.Schema({ name: String }), 'owners');
    const Pet = connection.model('CompatPet', new mongoose.Schema({ owner: { type: mongoose.Schema.Types.ObjectId, ref: 'CompatOwner' } }), 'pets');
    const o = await Owner.create({ name: 'x' });
    await Pet.create({ owner: o._id });
    const p = await Pet.findOne().populate('owner').lean();
    assert(p.owner.name === 'x', JSON.stringify(p));
  }],
];

async function main() {
  const connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5000, dbName }).asPromise();
  const client = connection.getClient();
  const db = client.db(dbName);
  const build = await db.admin().command({ buildInfo: 1 });
  process.stdout.write(`server: ${build.ferretdbVersion ? `FerretDB ${build.ferretdbVersion}, ` : ''}MongoDB ${build.version} wire compat\n`);
  let unsupported = 0;
  try {
    for (const [index, [name, probe]] of probes.entries()) {
      const c = db.collection(`probe_${index}`);
      try {
        await probe({ client, connection, db, c });
        process.stdout.write(`yes  ${name}\n`);
      } catch (error) {
        unsupported += 1;
        const message = String((error && (error.errmsg || error.message)) || error).split('\n')[0].slice(0, 160);
        process.stdout.write(`NO   ${name} — ${error && error.codeName ? `${error.codeName}: ` : ''}${message}\n`);
      }
    }
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await connection.close();
  }
  process.stdout.write(`${probes.length - unsupported} supported, ${unsupported} unsupported\n`);
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack}\n`);
  process.exit(1);
});
