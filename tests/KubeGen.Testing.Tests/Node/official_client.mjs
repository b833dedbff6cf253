// Drives the official Kubernetes JavaScript client (@kubernetes/client-node) against an emulator.
//
// Usage: node official_client.mjs KUBECONFIG
//
// Prints one JSON object of what the client saw; NodeClientTests asserts on it, so a failure shows
// both what was expected and what the client got.
import https from 'node:https';
import * as k8s from '@kubernetes/client-node';

const kc = new k8s.KubeConfig();
kc.loadFromFile(process.argv[2]);
const core = kc.makeApiClient(k8s.CoreV1Api);
const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
const seen = {};

// The body as the server sent it: the client's models turn times into Date objects.
async function raw(path) {
  const options = { headers: {} };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    https.get(kc.getCurrentCluster().server + path, options, response => {
      let body = '';
      response.on('data', chunk => { body += chunk; });
      response.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

// A Secret with stringData: merged into data, never returned.
const secret = await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'js-secret' }, stringData: { password: 's3cret' } } });
seen.secret = { data: secret.data, stringData: secret.stringData ?? null, type: secret.type };

// ConfigMaps: create, list by label, patch, delete.
for (const [name, tier] of [['js-a', 'front'], ['js-b', 'back']]) {
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name, labels: { tier } }, data: { k: name } } });
}
seen.front = (await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'tier=front' })).items.map(i => i.metadata.name);
const patched = await core.patchNamespacedConfigMap(
  { name: 'js-a', namespace: 'default', body: { data: { k: 'patched' } } },
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
seen.patched = patched.data;
await core.deleteNamespacedConfigMap({ name: 'js-b', namespace: 'default' });
seen.afterDelete = (await core.listNamespacedConfigMap({ namespace: 'default' })).items.map(i => i.metadata.name).filter(n => n.startsWith('js-'));

// A watch from a list's resourceVersion sees what came after it.
const listVersion = (await core.listNamespacedConfigMap({ namespace: 'default' })).metadata.resourceVersion;
await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'js-watched' } } });
seen.watch = await new Promise((resolve, reject) => {
  const events = [];
  new k8s.Watch(kc).watch('/api/v1/namespaces/default/configmaps', { resourceVersion: listVersion },
    (type, obj) => { events.push([type, obj.metadata.name]); resolve(events); },
    err => { if (err) reject(err); }).catch(reject);
});

// Times: the client writes Dates with toISOString() (milliseconds, Z). metav1.Time comes back to
// the second; metav1.MicroTime needs six digits, so a real server refuses three (400), as must the emulator.
await core.createNamespacedEvent({ namespace: 'default', body: {
  metadata: { name: 'js-event' }, involvedObject: { kind: 'ConfigMap', name: 'js-a', namespace: 'default' },
  reason: 'Tested', message: 'from node', lastTimestamp: new Date(Date.UTC(2024, 4, 1, 10, 34, 56, 789)) } });
seen.eventLastTimestamp = (await raw('/api/v1/namespaces/default/events/js-event')).lastTimestamp;
try {
  await coordination.createNamespacedLease({ namespace: 'default', body: { metadata: { name: 'js-lease' }, spec: { renewTime: new Date(Date.UTC(2024, 4, 1, 10, 0, 0, 500)) } } });
  seen.leaseWithMilliseconds = 'accepted';
} catch (e) {
  seen.leaseWithMilliseconds = [e.code, JSON.parse(e.body).reason];
}

console.log(JSON.stringify(seen));
process.exit(0);
