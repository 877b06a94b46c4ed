// The tester panel: plain browser JavaScript with no build step, loaded as a file because the
// kiosk's Content-Security-Policy refuses inline scripts. Every call goes to the simulator
// control API with the token the tester typed, which stays in this tab's sessionStorage.
/* global document, FileReader, confirm */

const TOKEN_KEY = 'kiosk-control-token';
const $ = (id) => document.getElementById(id);

let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
let lastState;
let shownReceipts = -1;
let poller;

function say(text, kind = 'ok') {
  const el = $('message');
  el.textContent = text;
  el.dataset.kind = kind;
}

class ControlError extends Error {}

/** Calls the control API; a refused token sends the tester back to the token field. */
async function call(method, path, body) {
  const headers = { 'x-kiosk-control': token };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  if (res.status === 403) {
    setToken('');
    throw new ControlError('The control token was refused: enter the one the kiosk printed.');
  }
  const type = res.headers.get('content-type') ?? '';
  const data = type.startsWith('application/json') ? await res.json() : await res.blob();
  if (!res.ok) throw new ControlError(data?.error ?? `${method} ${path}: ${res.status}`);
  return data;
}

/** Runs a tester action, reporting its outcome (or error) in the message line. */
function action(fn) {
  return async (event) => {
    event?.preventDefault?.();
    try {
      const text = await fn(event);
      if (text) say(text);
      await refreshState();
    } catch (error) {
      say(error instanceof Error ? error.message : String(error), 'error');
    }
  };
}

function setToken(value) {
  token = value;
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
  $('token').value = '';
  $('token').placeholder = value ? 'token saved for this tab' : '';
  const controls = $('controls');
  controls.setAttribute('aria-disabled', String(!value));
  controls.inert = !value;
  clearInterval(poller);
  if (value) poller = setInterval(() => void refreshState().catch(() => undefined), 2000);
}

function pressed(button, on) {
  button.setAttribute('aria-pressed', String(Boolean(on)));
}

function describeScene(scene) {
  if (!scene) return '…';
  if (scene.kind === 'person') return `${scene.person}, photo ${scene.photo}`;
  if (scene.kind === 'empty') return 'nobody';
  return scene.kind;
}

async function refreshState() {
  if (!token) return;
  const state = await call('GET', '/sim/state');
  lastState = state;
  const cameraUnplugged = state.camera.status?.kind === 'unplugged';
  $('camera-scene').textContent =
    describeScene(state.camera.scene) + (cameraUnplugged ? ' (camera unplugged)' : '');
  pressed($('camera-unplug'), cameraUnplugged);

  if (state.scanner.simulated === false) $('scanner-status').textContent = 'real scanner';
  else {
    $('scanner-status').textContent = state.scanner.status?.kind ?? '…';
    pressed($('scanner-unplug'), state.scanner.unplugged);
  }

  const printer = state.printer;
  for (const button of document.querySelectorAll('[data-printer]'))
    pressed(button, printer[button.dataset.printer]);
  $('paper-left-state').textContent =
    printer.simulated === false
      ? 'real printer'
      : printer.paperLeftBytes === null
        ? 'endless roll'
        : `${printer.paperLeftBytes} bytes`;

  const refusal = state.reset?.refusal ?? null;
  $('reset-state').textContent = refusal === null ? 'possible now' : `refused now: ${refusal}`;
  $('reset-state').dataset.kind = refusal === null ? 'ok' : 'error';

  $('gateway-state').textContent = state.gateway.online ? 'online' : 'OFFLINE';
  $('gateway-state').dataset.kind = state.gateway.online ? 'ok' : 'error';

  if (typeof printer.receipts === 'number' && printer.receipts !== shownReceipts)
    await refreshReceipts();
}

function blobToDataUrl(blob) {
  // The page's CSP allows data: images but not blob: ones.
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

async function refreshReceipts() {
  const receipts = await call('GET', '/sim/printer/receipts');
  shownReceipts = receipts.length;
  $('receipt-count').textContent = `(${receipts.length})`;
  const list = $('receipts');
  const items = [];
  for (const receipt of [...receipts].reverse()) {
    const item = document.createElement('li');
    item.className = 'receipt';
    const title = document.createElement('h3');
    title.textContent = `Receipt ${receipt.index}`;
    const figure = document.createElement('div');
    figure.className = 'receipt-body';
    const image = document.createElement('img');
    image.alt = `Receipt ${receipt.index} as printed`;
    try {
      image.src = await blobToDataUrl(
        await call('GET', `/sim/printer/receipts/${receipt.index}.png`),
      );
    } catch (error) {
      image.alt = `Receipt ${receipt.index}: no picture (${error.message})`;
    }
    const text = document.createElement('pre');
    text.textContent = receipt.text;
    text.tabIndex = 0;
    text.setAttribute('aria-label', `Receipt ${receipt.index} as text`);
    figure.append(image, text);
    item.append(title, figure);
    items.push(item);
  }
  list.replaceChildren(...items);
  if (receipts.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'hint';
    empty.textContent = 'No receipts printed yet.';
    list.replaceChildren(empty);
  }
}

async function loadPeople() {
  const people = await call('GET', '/sim/camera/people');
  const select = $('person');
  select.replaceChildren(
    ...people.map(({ person, photos }) => {
      const option = document.createElement('option');
      option.value = person;
      // Fixture folders starting with "_" are not people (group photos, a blank with no face).
      option.textContent = person.startsWith('_') ? `${person} (several faces or none)` : person;
      option.dataset.photos = photos.join(',');
      return option;
    }),
  );
  const current = lastState?.camera.scene;
  if (current?.kind === 'person') select.value = current.person;
  showPhotos();
}

function showPhotos() {
  const option = $('person').selectedOptions[0];
  const photos = option?.dataset.photos ? option.dataset.photos.split(',') : [];
  $('photos').replaceChildren(
    ...photos.map((photo) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = `Photo ${photo.replace(/\.(png|jpe?g)$/, '')}`;
      button.dataset.photo = photo;
      button.addEventListener(
        'click',
        action(async () => {
          const scene = { kind: 'person', person: option.value, photo };
          await call('POST', '/sim/camera', { scene });
          return `Camera: ${describeScene(scene)}.`;
        }),
      );
      return button;
    }),
  );
}

async function scan(code) {
  const result = await call('POST', '/sim/scanner', { code });
  const outcomes = {
    delivered: 'delivered to the kiosk',
    duplicate: 'ignored as a duplicate (same code within 1.5 s)',
    rejected: 'rejected by the scanner (not printable or too long)',
    'not-enabled': 'not read: the kiosk is not listening to the scanner now',
    unplugged: 'not read: the scanner is unplugged',
  };
  return `Scanned "${code}": ${outcomes[result.outcome] ?? result.outcome}.`;
}

function wire() {
  $('token-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = $('token').value.trim();
    if (!value) return;
    setToken(value);
    try {
      await refreshState();
      await loadPeople();
      say('Connected to the kiosk simulators.');
    } catch (error) {
      say(error.message, 'error');
    }
  });
  $('token-forget').addEventListener('click', () => {
    setToken('');
    say('Token forgotten.');
  });

  $('person').addEventListener('change', showPhotos);
  $('camera-empty').addEventListener(
    'click',
    action(async () => {
      await call('POST', '/sim/camera', { scene: { kind: 'empty' } });
      return 'Camera: nobody in front of it.';
    }),
  );
  $('camera-unplug').addEventListener(
    'click',
    action(async () => {
      const unplugged = $('camera-unplug').getAttribute('aria-pressed') !== 'true';
      await call('POST', '/sim/camera', { unplugged });
      return unplugged ? 'Camera unplugged.' : 'Camera plugged in.';
    }),
  );

  $('scan-form').addEventListener(
    'submit',
    action(async () => scan($('scan-code').value)),
  );
  for (const button of document.querySelectorAll('[data-code]'))
    button.addEventListener(
      'click',
      action(async () => {
        $('scan-code').value = button.dataset.code;
        return scan(button.dataset.code);
      }),
    );
  $('scanner-unplug').addEventListener(
    'click',
    action(async () => {
      const unplugged = $('scanner-unplug').getAttribute('aria-pressed') !== 'true';
      await call('POST', '/sim/scanner', { unplugged });
      return unplugged ? 'Scanner unplugged.' : 'Scanner plugged in.';
    }),
  );

  for (const button of document.querySelectorAll('[data-printer]'))
    button.addEventListener(
      'click',
      action(async () => {
        const on = button.getAttribute('aria-pressed') !== 'true';
        await call('POST', '/sim/printer', { [button.dataset.printer]: on });
        return `Printer: ${button.textContent.trim().toLowerCase()} ${on ? 'on' : 'off'}.`;
      }),
    );
  $('paper-form').addEventListener(
    'submit',
    action(async () => {
      const bytes = Number($('paper-left').value);
      await call('POST', '/sim/printer', { paperLeftBytes: bytes });
      return `Printer: paper runs out after ${bytes} more bytes.`;
    }),
  );
  $('paper-endless').addEventListener(
    'click',
    action(async () => {
      await call('POST', '/sim/printer', { paperLeftBytes: null });
      return 'Printer: endless roll.';
    }),
  );

  $('gateway-online').addEventListener(
    'click',
    action(async () => {
      await call('POST', '/sim/gateway', { online: true });
      return 'Gateway online.';
    }),
  );
  $('gateway-offline').addEventListener(
    'click',
    action(async () => {
      await call('POST', '/sim/gateway', { online: false });
      return 'Gateway offline: the kiosk cannot reach it.';
    }),
  );
  $('fault-form').addEventListener(
    'submit',
    action(async () => {
      const fault = {
        infno: $('fault-infno').value,
        kind: $('fault-kind').value,
        times: Number($('fault-times').value || 1),
      };
      const latency = $('fault-latency').value;
      if (latency !== '') fault.latencyMs = Number(latency);
      await call('POST', '/sim/gateway/fault', fault);
      return `Armed ${fault.kind} on ${fault.infno} for the next ${fault.times} call(s).`;
    }),
  );
  $('fault-clear').addEventListener(
    'click',
    action(async () => {
      await call('DELETE', '/sim/gateway/fault');
      return 'All gateway faults cleared.';
    }),
  );

  $('wallet-pay').addEventListener(
    'click',
    action(async () => {
      const result = await call('POST', '/sim/wallet/pay', { channel: $('wallet-channel').value });
      return `Order ${result.orderNo}: ${result.status}.`;
    }),
  );
  $('receipts-refresh').addEventListener('click', action(refreshReceipts));

  $('world-reset').addEventListener(
    'click',
    action(async () => {
      const sure = confirm(
        'Reset the simulated world? Every settlement, order, family binding and sign-in goes ' +
          'back to the scenario as loaded, and the printed receipts are thrown away.',
      );
      if (!sure) return 'Reset cancelled: nothing changed.';
      const result = await call('POST', '/sim/reset');
      const settlements = result.cleared?.settlements ?? 0;
      return (
        'The simulated world is the scenario as loaded again ' +
        `(${settlements} settlement${settlements === 1 ? '' : 's'} undone).`
      );
    }),
  );
}

wire();
setToken(token);
if (token)
  void refreshState()
    .then(loadPeople)
    .catch((error) => say(error.message, 'error'));
else say('Enter the control token to begin.', 'info');
