/**
 * The nbconvert config file the runner passes with `--config`. nbconvert config files are
 * Python; this one registers nbclient's `on_cell_executed` hook (nbclient ≥ 0.6), which sees
 * a failing cell's outputs before nbconvert raises its CellExecutionError with an empty
 * message, and saves them as JSON where the runner reads them (cell-error.ts).
 * The file path comes from STUDY_CELL_ERROR_FILE so one config serves every notebook.
 * `on_cell_execute` also notes each cell as it starts (<file>.started), so a timeout or a
 * dead kernel, which never reach `on_cell_executed`, can still be blamed on the right cell.
 * `on_cell_executed` also copies the kernel's execution count into the cell (`In [3]:`).
 */
export const NBCONVERT_HOOK_PY = `# Written by vk-audience-study's report runner (src/report/nbconvert-hook.ts).
import json, os

def _vk_study_write(path, record):
    with open(path + '.tmp', 'w') as f:
        json.dump(record, f)
    os.replace(path + '.tmp', path)

def _vk_study_on_cell_execute(cell=None, cell_index=None, **kwargs):
    path = os.environ.get('STUDY_CELL_ERROR_FILE')
    if path:
        _vk_study_write(path + '.started', {'cell_index': cell_index, 'source': cell.get('source', ''), 'outputs': []})

def _vk_study_on_cell_executed(cell=None, cell_index=None, execute_reply=None, **kwargs):
    # The kernel's own count, as a live notebook shows it: nbconvert takes the count from
    # ipykernel's execute_input message, which tslab does not send, and would print "In [ ]".
    count = (execute_reply or {}).get('content', {}).get('execution_count')
    if isinstance(count, int):
        cell['execution_count'] = count
    if execute_reply is None or execute_reply.get('content', {}).get('status') != 'error':
        return
    path = os.environ.get('STUDY_CELL_ERROR_FILE')
    if not path:
        return
    content = execute_reply['content']
    outputs = [o for o in cell.get('outputs', []) if o.get('output_type') in ('stream', 'error')]
    record = {
        'cell_index': cell_index,
        'source': cell.get('source', ''),
        'ename': content.get('ename') or None,
        'evalue': content.get('evalue') or None,
        'traceback': content.get('traceback') or None,
        'outputs': outputs,
    }
    _vk_study_write(path, record)

c = get_config()
c.ExecutePreprocessor.on_cell_execute = _vk_study_on_cell_execute
c.ExecutePreprocessor.on_cell_executed = _vk_study_on_cell_executed
`;
