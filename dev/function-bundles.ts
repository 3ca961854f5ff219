// What `npm run build` bundles (dev/build-bundles.ts): each function entry, with the extra entries it
// starts by path, and what stays outside every bundle. Read by the build and by the tests of the build.

/** Every function entry bundled; the extra entries each one starts by path. */
export const BUNDLES: Record<string, Record<string, string>> = {
  enqueue: {},
  processor: { 'netns-entry': 'shared/environment/netns-entry.ts' },
  'storage-trigger': {},
  scheduler: {},
  notifier: {},
  sweeper: {},
  worker: { 'netns-entry': 'shared/environment/netns-entry.ts' },
};

/** The Functions Framework loads the bundle, which must register on that same instance. */
export const EXTERNAL = ['@google-cloud/functions-framework'];
