// The job's output files (GET /jobs/{id}/outputs), each downloadable: the file is fetched with the
// key header and saved through a blob URL, since a plain link cannot carry the key.
import type { z } from 'zod';
import type { outputsResponseSchema } from '../../../shared/api/api-schemas.js';
import { apiDownload, apiJson, jobPath } from '../api-client.js';
import { h } from '../dom.js';
import { bytes } from '../format.js';

type Outputs = z.infer<typeof outputsResponseSchema>;

export async function loadOutputs(el: HTMLElement, jobId: string, announce: (t: string) => void): Promise<void> {
  let files: Outputs['files'];
  try {
    files = (await apiJson<Outputs>(jobPath(jobId, '/outputs'))).files;
  } catch (err) {
    el.replaceChildren(h('p', { class: 'error' }, `Could not list the outputs: ${(err as Error).message}`));
    return;
  }
  if (!files.length) {
    el.replaceChildren(h('p', { class: 'muted' }, 'No output files.'));
    return;
  }
  const rows = files.map((f) => {
    const status = h('span', { class: 'muted', role: 'status' });
    const button = h('button', { type: 'button', 'aria-label': `Download ${f.filename}` }, 'Download');
    button.addEventListener('click', () => {
      button.disabled = true;
      const path = jobPath(jobId, '/outputs/' + f.filename.split('/').map(encodeURIComponent).join('/'));
      apiDownload(path, f.filename.split('/').at(-1)!)
        .then(() => announce(`${f.filename} downloaded.`))
        .catch((err: Error) => (status.textContent = `failed: ${err.message}`))
        .finally(() => (button.disabled = false));
    });
    return h('tr', {}, h('td', {}, h('code', {}, f.filename)), h('td', {}, bytes(f.size_bytes)), h('td', {}, f.content_type), h('td', {}, button, ' ', status));
  });
  el.replaceChildren(
    h('table', { class: 'outputs' }, h('caption', { class: 'visually-hidden' }, 'Output files'),
      h('thead', {}, h('tr', {}, ['File', 'Size', 'Type', 'Action'].map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, rows)),
  );
}
