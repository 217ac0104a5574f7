// The sandbox page: a Telegram-like chat with the bot, per persona. The server sends safe HTML for message texts
// (Telegram's HTML subset, everything else escaped); everything else is put in with textContent.
(() => {
    'use strict';

    const S = window.SANDBOX;
    const T = (key) => S.texts[key] ?? key;
    const API = '/sandbox/api';
    const webUrl = (url) => /^(https?|tg):\/\//i.test(String(url || '').trim());
    const STICKERS = ['👍', '😀', '🎉', '🤝', '🔥', '❤️', '🤔', '🙏'];
    const COLORS = ['#e17076', '#faa774', '#a695e7', '#7bc862', '#6ec9cb', '#65aadd', '#ee7aae'];

    const $ = (id) => document.getElementById(id);
    const el = (tag, cls, text) => {
        const e = document.createElement(tag);
        if (cls) e.className = cls;
        if (text !== undefined && text !== null) e.textContent = text;
        return e;
    };

    const state = {
        personas: [],
        current: Number(localStorage.getItem('sandbox.persona')) || 1001,
        seq: 0,
        messages: new Map(),      // id -> {view, node}
        keyboard: null,
        keyboardOpen: true,
        commands: [],
        menuButton: null,         // the Mini App menu button the bot set ({text, url}) or null
        pending: new Map(),       // callbackId -> button node
        generation: 0,            // bumps on persona switch: answers of an older poll are dropped
        abort: null,
    };

    // ---- API -------------------------------------------------------------------------------------------------------

    async function api(path, options = {}) {
        const response = await fetch(API + path, options);
        const body = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
        if (!response.ok) throw new Error(body?.error || response.statusText);
        return body;
    }

    const post = (path, body) => api(path, {
        method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body ?? {}),
    });
    const patch = (path, body) => api(path, {
        method: 'PATCH', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body),
    });

    // ---- personas --------------------------------------------------------------------------------------------------

    const me = () => state.personas.find(p => p.id === state.current);
    const initials = (name) => (name || '?').split(/\s+/).filter(Boolean).slice(0, 2).map(w => [...w][0]).join('').toUpperCase();

    function avatar(p, extra) {
        const a = el('div', 'avatar' + (extra ? ' ' + extra : ''), initials(p.firstName));
        a.style.background = COLORS[Math.abs(p.id) % COLORS.length];
        return a;
    }

    function renderPersonas() {
        const list = $('personas');
        list.replaceChildren();
        for (const p of state.personas) {
            const li = el('li', 'persona' + (p.id === state.current ? ' active' : ''));
            li.dataset.id = p.id;
            li.dataset.testid = 'persona-' + p.id;
            li.tabIndex = 0;
            li.append(avatar(p));
            const body = el('div', 'persona-body');
            const top = el('div', 'persona-top');
            const name = el('span', 'persona-name', p.manager ? `${p.firstName} (${T('role-manager')})` : p.firstName);
            top.append(name);
            if (p.date) top.append(el('span', 'persona-time', time(p.date)));
            const bottom = el('div', 'persona-bottom');
            const preview = el('span', 'persona-preview', p.blocked ? '🚫 ' + T('blocked') : (p.preview || `id ${p.id} · ${p.manager ? T('role-manager') : T('role-partner')}`));
            bottom.append(preview);
            if (p.unread > 0 && p.id !== state.current) bottom.append(el('span', 'unread', String(p.unread)));
            body.append(top, bottom);
            li.append(body);
            li.addEventListener('click', () => switchTo(p.id));
            li.addEventListener('keydown', (e) => { if (e.key === 'Enter') switchTo(p.id); });
            list.append(li);
        }
        const p = me();
        if (p) {
            $('me-name').textContent = p.firstName;
            $('me-role').textContent = p.manager ? T('role-manager') : T('role-partner');
            $('me-role').className = 'chip' + (p.manager ? ' manager' : '');
            if (document.activeElement !== $('me-language')) $('me-language').value = p.language;
            if (document.activeElement !== $('me-phone')) $('me-phone').value = p.phone;
            $('me-block').textContent = p.blocked ? T('unblock') : T('block');
        }
    }

    function switchTo(id) {
        if (id === state.current) return;
        state.current = id;
        localStorage.setItem('sandbox.persona', String(id));
        resetChat();
        renderPersonas();
        poll();
        $('input').focus();
    }

    function resetChat() {
        state.generation++;
        state.abort?.abort();
        state.seq = 0;
        state.messages.clear();
        state.pending.clear();
        state.keyboard = null;
        state.keyboardOpen = true;
        state.commands = [];
        state.menuButton = null;
        renderMenuButton();
        closeMiniApp();
        $('messages').replaceChildren();
        $('toast').hidden = true;
        renderKeyboard();
        closePopovers();
    }

    async function changeMe(change) {
        try {
            const updated = await patch(`/personas/${state.current}`, change);
            state.personas = state.personas.map(p => p.id === updated.id ? {...p, ...updated} : p);
            renderPersonas();
        } catch (e) {
            toast(e.message);
            renderPersonas();
        }
    }

    // ---- messages --------------------------------------------------------------------------------------------------

    const pad = (n) => String(n).padStart(2, '0');
    const time = (seconds) => { const d = new Date(seconds * 1000); return `${pad(d.getHours())}:${pad(d.getMinutes())}`; };
    const dayOf = (seconds) => new Date(seconds * 1000).toDateString();

    function dayLabel(seconds) {
        const d = new Date(seconds * 1000);
        const today = new Date();
        const yesterday = new Date(Date.now() - 86400000);
        if (d.toDateString() === today.toDateString()) return T('today');
        if (d.toDateString() === yesterday.toDateString()) return T('yesterday');
        return d.toLocaleDateString(S.lang, {day: 'numeric', month: 'long'});
    }

    function size(bytes) {
        if (bytes < 1024) return bytes + ' B';
        if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KB';
        return (bytes / 1024 / 1024).toFixed(1) + ' MB';
    }

    function fileUrl(fileId, download) {
        return `${API}/files/${encodeURIComponent(fileId)}${download ? '?download=true' : ''}`;
    }

    function renderMessage(m) {
        const who = m.from.toLowerCase();
        const row = el('div', `row ${who}`);
        row.dataset.id = m.id;
        if (m.kind === 'NOTE') {
            const note = el('div', 'note');
            note.innerHTML = m.html;
            row.append(note);
            return row;
        }
        const bubble = el('div', 'bubble' + (m.kind === 'STICKER' ? ' sticker' : '') + (m.kind === 'PHOTO' ? ' photo' : ''));
        if (m.kind === 'STICKER') {
            bubble.append(el('div', 'sticker-emoji', m.sticker));
        } else if (m.kind === 'PHOTO' && m.file) {
            const img = el('img', 'photo-img');
            img.src = fileUrl(m.file.fileId, false);
            img.alt = m.file.name;
            img.loading = 'lazy';
            img.addEventListener('load', () => stickToBottom());
            const link = el('a', 'photo-link');
            link.href = fileUrl(m.file.fileId, false);
            link.target = '_blank';
            link.rel = 'noopener';
            link.append(img);
            bubble.append(link);
        } else if (m.kind === 'DOCUMENT' && m.file) {
            const a = el('a', 'file');
            a.href = fileUrl(m.file.fileId, true);
            a.download = m.file.name;
            a.title = T('download');
            const icon = el('span', 'file-icon');
            icon.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 4v11m0 0-4-4m4 4 4-4M5 19h14"/></svg>';
            const meta = el('span', 'file-meta');
            meta.append(el('span', 'file-name', m.file.name), el('span', 'file-size', size(m.file.size)));
            a.append(icon, meta);
            bubble.append(a);
        } else if (m.kind === 'CONTACT' && m.contact) {
            const card = el('div', 'contact');
            card.append(avatar({id: state.current, firstName: m.contact.firstName}, 'small'));
            const info = el('div', 'contact-info');
            info.append(el('div', 'contact-name', m.contact.firstName), el('div', 'contact-phone', m.contact.phone));
            card.append(info);
            bubble.append(card);
        }
        if (m.kind !== 'STICKER' && m.kind !== 'CONTACT' && m.html) {
            const text = el('div', 'text');
            text.innerHTML = m.html;
            bubble.append(text);
        }
        const meta = el('span', 'meta');
        if (m.edited) meta.append(el('span', 'edited', T('edited')));
        meta.append(el('span', 'time', time(m.date)));
        if (m.from === 'USER') meta.append(el('span', 'ticks', '✓✓'));
        bubble.append(meta);
        row.append(bubble);

        if (m.buttons && m.buttons.length) {
            const kb = el('div', 'inline-keyboard');
            for (const r of m.buttons) {
                const line = el('div', 'inline-row');
                for (const b of r) {
                    if (b.webApp) {
                        const button = el('button', 'inline-button webapp', b.text);
                        button.type = 'button';
                        button.addEventListener('click', () => openMiniApp(b.webApp));
                        line.append(button);
                    } else if (b.url) {
                        const a = el('a', 'inline-button url', b.text);
                        if (webUrl(b.url)) a.href = b.url;
                        a.target = '_blank';
                        a.rel = 'noopener noreferrer';
                        line.append(a);
                    } else {
                        const button = el('button', 'inline-button', b.text);
                        button.type = 'button';
                        button.addEventListener('click', () => press(m.id, b.data, button));
                        line.append(button);
                    }
                }
                kb.append(line);
            }
            row.append(kb);
        }
        return row;
    }

    function applyMessage(m) {
        const known = state.messages.get(m.id);
        if (known && known.view.seq >= m.seq && !m.deleted) return;
        if (m.deleted) {
            known?.node.remove();
            state.messages.delete(m.id);
            return;
        }
        const node = renderMessage(m);
        if (known) {
            known.node.replaceWith(node);
        } else {
            const list = $('messages');
            const last = [...state.messages.values()].at(-1);
            if (!last || dayOf(last.view.date) !== dayOf(m.date)) {
                list.append(el('div', 'day', dayLabel(m.date)));
            }
            list.append(node);
            // only what arrives live slides in; a chat's history appears at once
            if (state.seq > 0 && m.from === 'BOT') node.classList.add('appear');
        }
        state.messages.set(m.id, {view: m, node});
    }

    function updateEmpty() {
        const empty = state.messages.size === 0;
        $('empty').hidden = !empty;
        $('start').hidden = !empty;
    }

    function nearBottom() {
        const box = $('messages');
        return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
    }

    function stickToBottom(force) {
        const box = $('messages');
        if (force || nearBottom()) box.scrollTop = box.scrollHeight;
    }

    // ---- the reply keyboard, commands, popovers --------------------------------------------------------------------

    function renderKeyboard() {
        const box = $('keyboard');
        const k = state.keyboard;
        $('keyboard-button').hidden = !k;
        $('keyboard-button').classList.toggle('on', !!k && state.keyboardOpen);
        box.replaceChildren();
        if (!k || !state.keyboardOpen) {
            box.hidden = true;
            $('input').placeholder = T('placeholder');
            return;
        }
        box.hidden = false;
        box.classList.toggle('compact', !!k.resize);
        for (const r of k.rows) {
            const line = el('div', 'kb-row');
            for (const b of r) {
                const button = el('button', 'kb-button' + (b.requestContact ? ' contact' : ''), b.text);
                button.type = 'button';
                button.addEventListener('click', () => {
                    if (k.oneTime) { state.keyboardOpen = false; renderKeyboard(); }
                    if (b.requestContact) shareContact(); else sendText(b.text);
                });
                line.append(button);
            }
            box.append(line);
        }
        $('input').placeholder = k.placeholder || T('placeholder');
    }

    function renderCommands(filter) {
        const box = $('popover-commands');
        box.replaceChildren();
        const list = state.commands.filter(c => !filter || ('/' + c.command).startsWith(filter));
        if (!list.length) {
            if (filter) { box.hidden = true; return false; }
            box.append(el('div', 'popover-empty', T('no-commands')));
        }
        for (const c of list) {
            const b = el('button', 'command');
            b.type = 'button';
            b.append(el('span', 'command-name', '/' + c.command), el('span', 'command-desc', c.description));
            b.addEventListener('click', () => { closePopovers(); sendText('/' + c.command); });
            box.append(b);
        }
        return true;
    }

    function togglePopover(id) {
        const box = $(id);
        const open = box.hidden;
        closePopovers();
        if (open) {
            if (id === 'popover-commands') renderCommands();
            box.hidden = false;
        }
    }

    function closePopovers() {
        for (const id of ['popover-commands', 'popover-attach', 'popover-stickers']) $(id).hidden = true;
    }

    // ---- toasts and alerts ------------------------------------------------------------------------------------------

    let toastTimer;

    function toast(text) {
        const t = $('toast');
        t.textContent = text;
        t.hidden = false;
        t.classList.remove('show');
        void t.offsetWidth;
        t.classList.add('show');
        clearTimeout(toastTimer);
        toastTimer = setTimeout(() => { t.classList.remove('show'); t.hidden = true; }, 2600);
    }

    function alertBox(text) {
        $('alert-text').textContent = text;
        $('alert').showModal();
    }

    function applyAnswer(a) {
        const button = state.pending.get(a.callbackId);
        if (button) {
            button.classList.remove('pending');
            state.pending.delete(a.callbackId);
        }
        if (a.url && webUrl(a.url)) window.open(a.url, '_blank', 'noopener');
        if (!a.text) return;
        if (a.alert) alertBox(a.text); else toast(a.text);
    }

    // ---- what the persona does ---------------------------------------------------------------------------------------

    async function act(promise) {
        try {
            const m = await promise;
            if (m && m.id !== undefined) {
                applyMessage(m);
                updateEmpty();
                stickToBottom(true);
            }
            return m;
        } catch (e) {
            toast(`${T('not-sent')}: ${e.message}`);
            return null;
        }
    }

    function sendText(text) {
        if (!text.trim()) return;
        return act(post(`/chats/${state.current}/messages`, {text}));
    }

    function shareContact() {
        return act(post(`/chats/${state.current}/contact`));
    }

    function sendSticker(emoji) {
        closePopovers();
        return act(post(`/chats/${state.current}/sticker`, {emoji}));
    }

    async function press(messageId, data, button) {
        button.classList.add('pending');
        try {
            const r = await post(`/chats/${state.current}/press`, {messageId, data});
            state.pending.set(r.callbackId, button);
            // Telegram clients stop the spinner after a while even without an answer
            setTimeout(() => button.classList.remove('pending'), 8000);
        } catch (e) {
            button.classList.remove('pending');
            toast(e.message);
        }
    }

    async function sendFile(file, photo) {
        if (file.size > 20 * 1024 * 1024) { toast(T('too-big')); return; }
        const params = new URLSearchParams({name: file.name, photo: String(!!photo)});
        return act(api(`/chats/${state.current}/document?${params}`, {
            method: 'POST', headers: {'Content-Type': 'application/octet-stream'}, body: file,
        }));
    }

    // ---- the Mini App: the bot's menu button and web_app buttons open it in a phone-sized panel ---------------------

    // Telegram's default palettes, passed as Telegram passes them (tgWebAppThemeParams)
    const THEMES = {
        light: {bg_color: '#ffffff', secondary_bg_color: '#f0f2f5', section_bg_color: '#ffffff', text_color: '#000000',
            hint_color: '#999999', link_color: '#2481cc', button_color: '#2481cc', button_text_color: '#ffffff',
            accent_text_color: '#2481cc', destructive_text_color: '#e53935', subtitle_text_color: '#707579',
            section_header_text_color: '#6d6d72', section_separator_color: '#e1e3e6', header_bg_color: '#ffffff'},
        dark: {bg_color: '#17212b', secondary_bg_color: '#0e1621', section_bg_color: '#17212b', text_color: '#f5f5f5',
            hint_color: '#708499', link_color: '#6ab3f3', button_color: '#5288c1', button_text_color: '#ffffff',
            accent_text_color: '#6ab3f3', destructive_text_color: '#ec3942', subtitle_text_color: '#708499',
            section_header_text_color: '#6ab3f3', section_separator_color: '#111921', header_bg_color: '#17212b'},
    };

    function renderMenuButton() {
        const b = $('miniapp-button');
        b.hidden = !state.menuButton;
        b.textContent = state.menuButton ? state.menuButton.text : '';
    }

    /** The page at the button's address, on this origin (the bot's public URL may name another host or port). */
    function miniAppPath(url) {
        try {
            const u = new URL(url, location.origin);
            return u.pathname.startsWith('/app') ? u.pathname + u.search : '/app';
        } catch (e) {
            return '/app';
        }
    }

    async function openMiniApp(url) {
        const persona = state.current;
        let signed;
        try {
            signed = await api(`/chats/${persona}/miniapp-init-data`);
        } catch (e) {
            toast(`${T('miniapp-failed')}: ${e.message}`);
            return;
        }
        if (persona !== state.current) return;
        const initData = typeof signed === 'string' ? signed : signed.initData;
        const dark = $('miniapp-dark').checked;
        const path = miniAppPath(url);
        const fragment = new URLSearchParams({
            tgWebAppData: initData, tgWebAppVersion: '7.0', tgWebAppPlatform: 'sandbox',
            tgWebAppThemeParams: JSON.stringify(THEMES[dark ? 'dark' : 'light']),
            tgWebAppColorScheme: dark ? 'dark' : 'light',
        });
        $('miniapp-frame').src = path + (path.includes('?') ? '&' : '?') + 'sandbox=1#' + fragment;
        $('miniapp').hidden = false;
        closePopovers();
    }

    function closeMiniApp() {
        $('miniapp').hidden = true;
        $('miniapp-frame').removeAttribute('src');
    }

    $('miniapp-button').addEventListener('click', () => state.menuButton && openMiniApp(state.menuButton.url));
    $('miniapp-close').addEventListener('click', closeMiniApp);
    $('miniapp-dark').addEventListener('change', () => {
        const dark = $('miniapp-dark').checked;
        $('miniapp-frame').contentWindow?.postMessage({type: 'partnerka-theme', colorScheme: dark ? 'dark' : 'light',
            themeParams: THEMES[dark ? 'dark' : 'light']}, location.origin);
    });
    window.addEventListener('message', (e) => {
        if (e.origin === location.origin && e.data?.type === 'partnerka-miniapp-close') closeMiniApp();
    });

    // ---- long polling -------------------------------------------------------------------------------------------------

    async function poll() {
        const generation = state.generation;
        const controller = new AbortController();
        state.abort = controller;
        let first = true;
        while (generation === state.generation) {
            try {
                const wait = first ? 0 : 20000;
                const s = await api(`/chats/${state.current}?since=${state.seq}&wait=${wait}`, {signal: controller.signal});
                if (generation !== state.generation) return;
                $('offline').hidden = true;
                apply(s);
                first = false;
            } catch (e) {
                if (controller.signal.aborted || generation !== state.generation) return;
                $('offline').hidden = false;
                await new Promise(r => setTimeout(r, 1500));
            }
        }
    }

    function apply(s) {
        const wasNear = nearBottom() || state.seq === 0;
        let grew = false;
        for (const m of s.messages) {
            const before = state.messages.size;
            applyMessage(m);
            if (state.messages.size > before) grew = true;
        }
        if (JSON.stringify(s.keyboard) !== JSON.stringify(state.keyboard)) {
            if (s.keyboard) state.keyboardOpen = true;
            state.keyboard = s.keyboard;
            renderKeyboard();
        }
        if (state.seq > 0) s.answers.forEach(applyAnswer);
        state.commands = s.commands || [];
        state.menuButton = s.menuButton || null;
        renderMenuButton();
        state.personas = s.personas;
        state.seq = s.seq;
        renderPersonas();
        updateEmpty();
        if (grew && wasNear) stickToBottom(true);
        document.title = (unreadElsewhere() ? `(${unreadElsewhere()}) ` : '') + T('title');
    }

    const unreadElsewhere = () => state.personas.filter(p => p.id !== state.current).reduce((n, p) => n + p.unread, 0);

    // ---- wiring -------------------------------------------------------------------------------------------------------

    function autosize() {
        const input = $('input');
        input.style.height = 'auto';
        input.style.height = Math.min(input.scrollHeight, 160) + 'px';
    }

    $('composer').addEventListener('submit', (e) => {
        e.preventDefault();
        const input = $('input');
        const text = input.value;
        if (!text.trim()) return;
        input.value = '';
        autosize();
        closePopovers();
        sendText(text);
    });

    $('input').addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            $('composer').requestSubmit();
        } else if (e.key === 'Escape') {
            closePopovers();
        }
    });

    $('input').addEventListener('input', () => {
        autosize();
        const v = $('input').value;
        if (/^\/\w*$/.test(v)) {
            closePopovers();
            if (renderCommands(v)) $('popover-commands').hidden = false;
        } else if (!$('popover-commands').hidden) {
            $('popover-commands').hidden = true;
        }
    });

    $('commands-button').addEventListener('click', () => togglePopover('popover-commands'));
    $('attach-button').addEventListener('click', () => togglePopover('popover-attach'));
    $('sticker-button').addEventListener('click', () => togglePopover('popover-stickers'));
    $('keyboard-button').addEventListener('click', () => { state.keyboardOpen = !state.keyboardOpen; renderKeyboard(); });
    $('start').addEventListener('click', () => sendText('/start'));

    for (const emoji of STICKERS) {
        const b = el('button', 'sticker-choice', emoji);
        b.type = 'button';
        b.addEventListener('click', () => sendSticker(emoji));
        $('popover-stickers').append(b);
    }

    let photoUpload = false;
    $('popover-attach').addEventListener('click', (e) => {
        const kind = e.target.closest('[data-attach]')?.dataset.attach;
        if (!kind) return;
        closePopovers();
        if (kind === 'contact') { shareContact(); return; }
        photoUpload = kind === 'photo';
        $('file-input').accept = photoUpload ? 'image/*' : '';
        $('file-input').click();
    });
    $('file-input').addEventListener('change', () => {
        const file = $('file-input').files[0];
        if (file) sendFile(file, photoUpload);
        $('file-input').value = '';
    });

    document.addEventListener('click', (e) => {
        if (!e.target.closest('.popover, #commands-button, #attach-button, #sticker-button, #input')) closePopovers();
        const spoiler = e.target.closest('.tg-spoiler');
        if (spoiler) spoiler.classList.add('revealed');
    });

    $('me-language').addEventListener('change', (e) => changeMe({language: e.target.value}));
    $('me-phone').addEventListener('change', (e) => changeMe({phone: e.target.value}));
    $('me-block').addEventListener('click', () => changeMe({blocked: !me()?.blocked}));

    $('add-persona').addEventListener('click', () => {
        $('add-language').value = S.lang;
        $('add-dialog').showModal();
        $('add-name').select();
    });
    $('add-dialog').addEventListener('close', async () => {
        if ($('add-dialog').returnValue !== 'add') return;
        try {
            const p = await post('/personas', {firstName: $('add-name').value, language: $('add-language').value});
            state.personas = [...state.personas, {...p}];
            switchTo(p.id);
        } catch (e) {
            toast(e.message);
        }
    });

    const intro = $('intro');
    if (!localStorage.getItem('sandbox.intro-hidden')) intro.hidden = false;
    $('intro-hide').addEventListener('click', () => { intro.hidden = true; localStorage.setItem('sandbox.intro-hidden', '1'); });
    $('intro-show').addEventListener('click', () => { intro.hidden = !intro.hidden; });

    (async () => {
        try {
            state.personas = await api('/personas');
        } catch (e) {
            $('offline').hidden = false;
        }
        if (!state.personas.some(p => p.id === state.current) && state.personas.length) state.current = state.personas[0].id;
        renderPersonas();
        updateEmpty();
        poll();
        $('input').focus();
    })();
})();
