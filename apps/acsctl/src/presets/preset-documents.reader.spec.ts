import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { locateInFile, readPresetDocuments, splitPresetDocuments } from './preset-documents.reader';

describe('splitPresetDocuments', () => {
  it('gives one YAML text per preset from lists and --- documents, with where each starts', () => {
    const text = [
      '# WAN presets',
      '- name: a',
      '  triggers: [1 BOOT]',
      '  actions: [{ addTags: [x] }]',
      '- name: b',
      '  weight: 3',
      '---',
      'name: c',
      'triggers: [0 BOOTSTRAP]',
      '---',
      '',
    ].join('\n');
    const docs = splitPresetDocuments(text, 'wan.yaml');
    expect(docs.map((d) => [d.name, d.source])).toEqual([
      ['a', 'wan.yaml:2'],
      ['b', 'wan.yaml:5'],
      ['c', 'wan.yaml:8'],
    ]);
    expect(parse(docs[0].yaml)).toEqual({ name: 'a', triggers: ['1 BOOT'], actions: [{ addTags: ['x'] }] });
    expect(parse(docs[2].yaml)).toEqual({ name: 'c', triggers: ['0 BOOTSTRAP'] });
  });

  it('sends the file\'s own lines, so the server\'s line numbers can be told as lines of the file', () => {
    const docs = splitPresetDocuments('# head\n- name: a\n  # why\n  triggers: [1 BOOT]\n- name: b\n  triggers: [2 PERIODIC]\n', 'f.yaml');
    expect(docs[0].yaml).toBe('  name: a\n  # why\n  triggers: [1 BOOT]\n');
    expect(docs[1].origin).toEqual({ file: 'f.yaml', line: 5 });
    expect(locateInFile(docs[1], 'yaml: line 2: triggers[0]: bad')).toBe('f.yaml:6: triggers[0]: bad');
  });

  it('resolves anchors shared between presets, which would not survive being cut out', () => {
    const docs = splitPresetDocuments('- name: a\n  triggers: &boot [1 BOOT]\n- name: b\n  triggers: *boot\n', 'f.yaml');
    expect(parse(docs[1].yaml)).toEqual({ name: 'b', triggers: ['1 BOOT'] });
    // Written out again, its lines are not the file's: messages keep the server's numbering.
    expect(docs[1].origin).toBeUndefined();
    expect(locateInFile(docs[1], 'yaml: line 2: x')).toBe('yaml: line 2: x');
  });

  it('keeps quoted values as strings', () => {
    const [doc] = splitPresetDocuments('name: a\nactions:\n  - setValues: { Device.X: "0123" }\n', 'f.yaml');
    expect(parse(doc.yaml).actions[0].setValues['Device.X']).toBe('0123');
  });

  it('reports syntax errors and non-presets with the file and line', () => {
    expect(() => splitPresetDocuments('name: a\n  bad: [\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+: /);
    expect(() => splitPresetDocuments('- just a string\n', 'str.yaml')).toThrow('str.yaml:1: a preset is a map');
    expect(() => splitPresetDocuments('name: a\nname: b\n', 'dup.yaml')).toThrow(/dup\.yaml:2:/);
  });
});

describe('readPresetDocuments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acsctl-presets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a directory\'s YAML files in name order, skipping other files and subdirectories', () => {
    mkdirSync(join(dir, 'set'));
    mkdirSync(join(dir, 'set', 'nested'));
    writeFileSync(join(dir, 'set', 'b.yml'), 'name: second\n');
    writeFileSync(join(dir, 'set', 'a.yaml'), 'name: first\n');
    writeFileSync(join(dir, 'set', 'README.md'), '# not a preset\n');
    writeFileSync(join(dir, 'set', 'nested', 'c.yaml'), 'name: nested\n');
    const docs = readPresetDocuments(['set'], dir);
    expect(docs.map((d) => [d.name, d.source])).toEqual([
      ['first', 'set/a.yaml:1'],
      ['second', 'set/b.yml:1'],
    ]);
  });

  it('fails on a missing path and lists every bad file at once', () => {
    expect(() => readPresetDocuments(['nope'], dir)).toThrow('nope: no such file or directory');
    writeFileSync(join(dir, 'x.yaml'), 'name: [\n');
    writeFileSync(join(dir, 'y.yaml'), '- 3\n');
    expect(() => readPresetDocuments(['x.yaml', 'y.yaml'], dir)).toThrow(/x\.yaml:\d+: [\s\S]*\ny\.yaml:1: /);
  });
});
