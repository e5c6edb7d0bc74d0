import re, sys, xml.etree.ElementTree as ET
NS={'dm':'urn:broadband-forum-org:cwmp:datamodel-1-14'}
def load(path):
    tree=ET.parse(path); root=tree.getroot()
    model=[m for m in root.iter() if m.tag.endswith('model')][-1]
    lines={}
    return model
TYPES={'string':'string','unsignedInt':'unsignedInt','int':'int','unsignedLong':'unsignedLong','long':'long','boolean':'boolean','dateTime':'dateTime','base64':'base64','hexBinary':'hexBinary','decimal':'string'}
DT={'StatsCounter64':'unsignedLong','StatsCounter32':'unsignedInt','Dbm1000':'int','DiagnosticsState':'string','IPAddress':'string','IPv4Address':'string','Alias':'string','URL':'string','MACAddress':'string','IPPrefix':'string','IPv6Address':'string','UUID':'string','DSCP':'int'}
def ptype(p):
    syn=[c for c in p if c.tag.endswith('syntax')][0]
    if any(c.tag.endswith('list') for c in syn):
        return 'string', [c for c in syn if not c.tag.endswith('list')][0]
    for c in syn:
        t=c.tag.split('}')[-1]
        if t in TYPES: return TYPES[t], c
        if t=='dataType':
            return DT.get(c.get('ref'),'string'), c
    return 'string', None
def enum_errors(c):
    if c is None: return []
    return [e.get('value') for e in c.iter() if e.tag.endswith('enumeration')]
def default(p):
    syn=[c for c in p if c.tag.endswith('syntax')][0]
    for d in syn:
        if d.tag.endswith('default') and d.get('type')=='object': return d.get('value')
    return None
def emit(path, prefixes, stripStatus=True, skip=()):
    m=load(path)
    out=[]; errs={}
    for o in m:
        if not o.tag.endswith('object'): continue
        name=o.get('name')
        if not any(name.startswith(p) for p in prefixes): continue
        if o.get('status') in ('deprecated','obsoleted','deleted'): continue
        if any(name.startswith(s) for s in skip): continue
        table = name.endswith('{i}.')
        objacc = o.get('access')
        if table:
            parent = name[:-4]
            out.append((parent,'object','', 'A' if objacc=='readWrite' else ''))
        out.append((name,'object','', 'A' if (table and objacc=='readWrite') else ''))
        for p in o:
            if not p.tag.endswith('parameter'): continue
            if p.get('status') in ('obsoleted','deleted'): continue
            t,c=ptype(p)
            pn=name+p.get('name')
            if p.get('name')=='DiagnosticsState':
                errs[name]=enum_errors(c)
            d=default(p)
            if d is None:
                d={'boolean':'false','dateTime':'0001-01-01T00:00:00Z'}.get(t, '0' if t in ('unsignedInt','int','unsignedLong','long') else '')
            if p.get('name')=='DiagnosticsState': d='None'
            out.append((pn,t,d,'W' if p.get('access')=='readWrite' else ''))
    # dedupe
    seen=set(); res=[]
    for r in out:
        if r[0] in seen: continue
        seen.add(r[0]); res.append(r)
    return res, errs
if __name__=="__main__" and len(sys.argv) > 1:
    import json
    which=sys.argv[1]
    if which=='181':
        rows,errs=emit('/work/shared/spec/tr-181-2-17-0-cwmp-full.xml',['Device.IP.Diagnostics.','Device.DNS.Diagnostics.','Device.BulkData.'],skip=['Device.BulkData.Profile.{i}.MQTT','Device.IP.Diagnostics.IPLayerCapacityMetrics.ModalResult' if False else 'zzz'])
    else:
        rows,errs=emit('/work/shared/spec/tr-098-1-8-0-full.xml',['InternetGatewayDevice.IPPingDiagnostics.','InternetGatewayDevice.TraceRouteDiagnostics.','InternetGatewayDevice.DownloadDiagnostics.','InternetGatewayDevice.UploadDiagnostics.','InternetGatewayDevice.NSLookupDiagnostics.','InternetGatewayDevice.UDPEchoConfig.'])
    for r in rows: print(r)
    print(json.dumps(errs,indent=0))

def tree_order(rows):
    # children of each object follow it: parameters (spec order) first, then sub-objects (spec order)
    objs=[r for r in rows if r[1]=='object']
    params={}
    for r in rows:
        if r[1]!='object':
            parent=r[0][:r[0].rfind('.')+1]
            params.setdefault(parent,[]).append(r)
    def parent_of(o):
        t=o[:-1]
        return t[:t.rfind('.')+1]
    children={}
    roots=[]
    names={o[0] for o in objs}
    for o in objs:
        p=parent_of(o[0])
        if p in names: children.setdefault(p,[]).append(o)
        else: roots.append(o)
    out=[]
    def walk(o):
        out.append(o)
        out.extend(params.get(o[0],[]))
        for c in children.get(o[0],[]): walk(c)
    for r in roots: walk(r)
    return out

def ts(rows, const):
    lines=['export const %s: Row[] = [' % const]
    for n,t,v,f in rows:
        flag = {'W':', W','A':', A','':''}[f]
        val = v.replace("\\","\\\\").replace("'", "\\'").replace("\n","\\n")
        if t=='object':
            lines.append("  ['%s', 'object'%s]," % (n, ", '', A" if f=='A' else ''))
        else:
            lines.append("  ['%s', '%s', '%s'%s]," % (n, t, val, flag))
    lines.append('];')
    return '\n'.join(lines)

# What a simulated CPE reports where the spec leaves the value to the device (capabilities, defaults of inputs).
OVERRIDES = {
    'Device.BulkData.Status': 'Disabled',
    'Device.BulkData.MinReportingInterval': '1',
    'Device.BulkData.Protocols': 'HTTP',
    'Device.BulkData.EncodingTypes': 'CSV,JSON',
    'Device.BulkData.ParameterWildCardSupported': 'true',
    'Device.BulkData.MaxNumberOfProfiles': '-1',
    'Device.BulkData.MaxNumberOfParameterReferences': '-1',
    'Device.BulkData.Profile.{i}.Protocol': 'HTTP',
    'Device.BulkData.Profile.{i}.EncodingType': 'JSON',
    'Device.BulkData.Profile.{i}.HTTP.MethodsSupported': 'POST,PUT',
    # The spec's default is a line feed (&#10;), which XML attribute normalisation turns into a space.
    'Device.BulkData.Profile.{i}.CSVEncoding.RowSeparator': '\n',
    'Device.IP.Diagnostics.DownloadDiagnostics.DownloadTransports': 'HTTP',
    'Device.IP.Diagnostics.UploadDiagnostics.UploadTransports': 'HTTP',
    'Device.IP.Diagnostics.DownloadDiagnostics.DownloadDiagnosticMaxConnections': '1',
    'Device.IP.Diagnostics.UploadDiagnostics.UploadDiagnosticsMaxConnections': '1',
    'Device.IP.Diagnostics.UDPEchoConfig.UDPPort': '7',
    'InternetGatewayDevice.UDPEchoConfig.UDPPort': '7',
}
WRITABLE = {'Device.BulkData.Profile.{i}.Alias'}  # writeOnceReadOnly: the ACS may set it once

def finish(rows):
    out = []
    for n, t, v, f in rows:
        if n.endswith('Supported') and n.startswith('Device.IP.Diagnostics.IPv4'):
            v = 'true'
        if n.startswith('Device.IP.Diagnostics.IPLayerCapacityMetrics.') and n.endswith('Supported') and t == 'boolean':
            v = 'true'
        if n in OVERRIDES:
            v = OVERRIDES[n]
        if n in WRITABLE:
            f = 'W'
        out.append((n, t, v, f))
    return out

HEADER = '''// Generated by libs/cpe-sim/tools/spec_rows.py from the Broadband Forum models in /work/shared/spec
// (tr-181-2-17-0-cwmp-full.xml, tr-098-1-8-0-full.xml): names, types, writability and defaults as the spec has them.
// Rows under a `{i}.` are the shape of a new instance (AddObject by the ACS, or results the device adds).
// Regenerate rather than edit: python3 libs/cpe-sim/tools/spec_rows.py > libs/cpe-sim/src/data-model/spec-rows.ts
import type { Row } from './model-rows';
import { A, W } from './model-rows';
'''

if __name__ == '__main__' and len(sys.argv) == 1:
    r181, e181 = emit('/work/shared/spec/tr-181-2-17-0-cwmp-full.xml', ['Device.IP.Diagnostics.', 'Device.DNS.Diagnostics.', 'Device.BulkData.'],
                      skip=['Device.BulkData.Profile.{i}.MQTT.'])
    r098, e098 = emit('/work/shared/spec/tr-098-1-8-0-full.xml', ['InternetGatewayDevice.IPPingDiagnostics.', 'InternetGatewayDevice.TraceRouteDiagnostics.',
                      'InternetGatewayDevice.DownloadDiagnostics.', 'InternetGatewayDevice.UploadDiagnostics.', 'InternetGatewayDevice.NSLookupDiagnostics.',
                      'InternetGatewayDevice.UDPEchoConfig.'])
    print(HEADER)
    print('/** Device:2 — IP and DNS diagnostics, UDPEchoConfig, BulkData (HTTP; the MQTT transport is left out). */')
    print(ts(finish(tree_order(r181)), 'TR181_SPEC_ROWS'))
    print()
    print('/** InternetGatewayDevice:1 — the TR-143 diagnostics and UDPEchoConfig. */')
    print(ts(finish(tree_order(r098)), 'TR098_SPEC_ROWS'))
    print()
    print('/** The DiagnosticsState values each diagnostics object declares (spec enumeration). */')
    print('export const DIAGNOSTICS_STATES: Readonly<Record<string, readonly string[]>> = {')
    for k, v in list(e181.items()) + list(e098.items()):
        print("  '%s': [%s]," % (k, ', '.join("'%s'" % x for x in v)))
    print('};')
