// Partnerka's Mini App: the partner's cabinet and the manager's queue and board inside Telegram. Plain JS, no build.
// Everything comes from /app/api, signed by Telegram's initData ("Authorization: tma <initData>"); server texts arrive
// in the reader's language, the page's own labels come from the dictionary below. Values are put in with
// textContent; only a knowledge-base article (the server's HTML) is set as HTML.
(() => {
    'use strict';

    const tg = window.Telegram && window.Telegram.WebApp;

    // ---- words ---------------------------------------------------------------------------------------------------

    const DICT = {
        en: {
            'tab.home': 'Home', 'tab.clients': 'Clients', 'tab.payouts': 'Payouts', 'tab.learn': 'Learn',
            'tab.invite': 'Invite', 'tab.queue': 'Queue', 'tab.deals': 'Deals',
            'home.balance': 'Balance', 'home.available': 'Available', 'home.onHold': 'On hold', 'home.paidOut': 'Paid out',
            'home.months': 'Earnings by month', 'home.noMonths': 'No earnings yet — your first paid client shows here.',
            'home.tier': 'Your rate', 'home.rate': '{rate} % now', 'home.top': 'You have the highest rate.',
            'home.todo': 'What to do next', 'home.allDone': 'Nothing to do — all set.',
            'clients.search': 'Search by name or phone', 'clients.all': 'All statuses', 'clients.new': '+ Submit a client',
            'clients.none': 'No clients here yet.', 'clients.amount': 'Amount', 'clients.commission': 'Commission',
            'clients.timeline': 'Status history', 'clients.submitted': 'Client submitted',
            'form.title': 'New client', 'form.name': 'Client name', 'form.phone': 'Phone', 'form.product': 'Product',
            'form.comment': 'Comment (optional)', 'form.submit': 'Submit the client', 'form.phoneHint': 'For example +7 916 123-45-67',
            'payouts.available': 'Available to withdraw', 'payouts.minimum': 'Minimum {amount}',
            'payouts.request': 'Request a payout', 'payouts.amount': 'Amount', 'payouts.all': 'All available',
            'payouts.requisites': 'Requisites', 'payouts.noRequisites': 'No requisites yet: add them to get paid.',
            'payouts.change': 'Change requisites', 'payouts.add': 'Add requisites', 'payouts.requests': 'Requests',
            'payouts.none': 'No requests yet.', 'payouts.invoice': 'Invoice', 'payouts.requested': 'Payout requested',
            'req.approved': 'approved', 'req.pending': 'waiting for approval', 'req.none': 'none',
            'req.title': 'Requisites', 'req.note': 'The new requisites go to a manager; the current ones stay in force until then.',
            'req.method': 'How to pay you', 'req.bank': 'Bank transfer', 'req.card': 'Card', 'req.other': 'Other (e-mail)',
            'req.account.bank': 'Account number', 'req.account.card': 'Card number', 'req.account.other': 'E-mail',
            'req.bankCode': 'Bank code (BIC)', 'req.legalName': 'Name of the recipient', 'req.taxId': 'Tax id (INN)',
            'req.taxIdOptional': 'Tax id (INN, optional)', 'req.currency': 'Currency', 'req.send': 'Send for approval',
            'req.sent': 'Sent for approval',
            'learn.courses': 'Courses', 'learn.passed': 'passed', 'learn.certificate': 'Certificate',
            'learn.lessons': '{n} lessons', 'learn.noCourses': 'No courses.', 'learn.kb': 'Knowledge base',
            'learn.search': 'Search the knowledge base', 'learn.noResults': 'Nothing found.',
            'invite.link': 'Your invitation link', 'invite.copy': 'Copy', 'invite.copied': 'Link copied',
            'invite.share': 'Share', 'invite.qr': 'QR code of your link', 'invite.rewards': 'Rewards earned',
            'invite.invited': 'People you invited', 'invite.none': 'Nobody yet — share your link.',
            'queue.empty': 'The queue is empty.', 'queue.more': 'The oldest {shown} of {total}; the next ones appear as these are decided.', 'queue.approve': 'Approve', 'queue.reject': 'Reject',
            'queue.reason': 'Reason for the partner', 'queue.confirmReject': 'Reject with this reason',
            'queue.approved': 'Approved', 'queue.rejected': 'Rejected',
            'kind.application': 'Application', 'kind.payout': 'Payout', 'kind.requisites': 'Requisites',
            'deals.move': 'Move', 'deals.to': 'New status', 'deals.comment': 'Comment for the partner',
            'deals.amount': 'Paid amount', 'deals.currency': 'Currency', 'deals.moved': 'Deal moved',
            'deals.none': 'No deals.', 'deals.noMoves': 'No moves from here.', 'deals.more': 'Show more ({left} left)',
            'applicant.title': 'Welcome!', 'applicant.text': 'Your cabinet opens once a manager approves your application. Apply or follow it in the chat with the bot.',
            'applicant.chat': 'Back to the chat',
            'auth.title': 'Open it from Telegram', 'auth.text': 'This page is the bot\'s cabinet: open it with the menu button in the chat with the bot.',
            'error.generic': 'Something went wrong. Try again.', 'error.retry': 'Try again', 'cancel': 'Cancel',
            'required': 'Fill this in', 'open': 'Open',
        },
        ru: {
            'tab.home': 'Главная', 'tab.clients': 'Клиенты', 'tab.payouts': 'Выплаты', 'tab.learn': 'Обучение',
            'tab.invite': 'Друзья', 'tab.queue': 'Очередь', 'tab.deals': 'Сделки',
            'home.balance': 'Баланс', 'home.available': 'Доступно', 'home.onHold': 'На удержании', 'home.paidOut': 'Выплачено',
            'home.months': 'Заработок по месяцам', 'home.noMonths': 'Заработка пока нет — первый оплаченный клиент появится здесь.',
            'home.tier': 'Ваша ставка', 'home.rate': 'Сейчас {rate} %', 'home.top': 'У вас максимальная ставка.',
            'home.todo': 'Что сделать дальше', 'home.allDone': 'Всё сделано.',
            'clients.search': 'Поиск по имени или телефону', 'clients.all': 'Все статусы', 'clients.new': '+ Передать клиента',
            'clients.none': 'Клиентов пока нет.', 'clients.amount': 'Сумма', 'clients.commission': 'Комиссия',
            'clients.timeline': 'История статусов', 'clients.submitted': 'Клиент передан',
            'form.title': 'Новый клиент', 'form.name': 'Имя клиента', 'form.phone': 'Телефон', 'form.product': 'Продукт',
            'form.comment': 'Комментарий (необязательно)', 'form.submit': 'Передать клиента', 'form.phoneHint': 'Например, +7 916 123-45-67',
            'payouts.available': 'Доступно к выводу', 'payouts.minimum': 'Минимум {amount}',
            'payouts.request': 'Запросить выплату', 'payouts.amount': 'Сумма', 'payouts.all': 'Всё доступное',
            'payouts.requisites': 'Реквизиты', 'payouts.noRequisites': 'Реквизитов нет: добавьте их, чтобы получать выплаты.',
            'payouts.change': 'Изменить реквизиты', 'payouts.add': 'Добавить реквизиты', 'payouts.requests': 'Заявки',
            'payouts.none': 'Заявок пока нет.', 'payouts.invoice': 'Счёт', 'payouts.requested': 'Выплата запрошена',
            'req.approved': 'одобрены', 'req.pending': 'ждут одобрения', 'req.none': 'нет',
            'req.title': 'Реквизиты', 'req.note': 'Новые реквизиты проверит менеджер; до этого действуют текущие.',
            'req.method': 'Как вам платить', 'req.bank': 'Банковский перевод', 'req.card': 'Карта', 'req.other': 'Другое (e-mail)',
            'req.account.bank': 'Номер счёта', 'req.account.card': 'Номер карты', 'req.account.other': 'E-mail',
            'req.bankCode': 'БИК банка', 'req.legalName': 'Получатель', 'req.taxId': 'ИНН',
            'req.taxIdOptional': 'ИНН (необязательно)', 'req.currency': 'Валюта', 'req.send': 'Отправить на проверку',
            'req.sent': 'Отправлено на проверку',
            'learn.courses': 'Курсы', 'learn.passed': 'пройден', 'learn.certificate': 'Сертификат',
            'learn.lessons': 'Уроков: {n}', 'learn.noCourses': 'Курсов нет.', 'learn.kb': 'База знаний',
            'learn.search': 'Поиск по базе знаний', 'learn.noResults': 'Ничего не найдено.',
            'invite.link': 'Ваша ссылка-приглашение', 'invite.copy': 'Копировать', 'invite.copied': 'Ссылка скопирована',
            'invite.share': 'Поделиться', 'invite.qr': 'QR-код вашей ссылки', 'invite.rewards': 'Заработано на приглашениях',
            'invite.invited': 'Кого вы пригласили', 'invite.none': 'Пока никого — поделитесь ссылкой.',
            'queue.empty': 'Очередь пуста.', 'queue.more': 'Самые давние {shown} из {total}; следующие появятся, когда эти будут решены.', 'queue.approve': 'Одобрить', 'queue.reject': 'Отклонить',
            'queue.reason': 'Причина для партнёра', 'queue.confirmReject': 'Отклонить с этой причиной',
            'queue.approved': 'Одобрено', 'queue.rejected': 'Отклонено',
            'kind.application': 'Заявка', 'kind.payout': 'Выплата', 'kind.requisites': 'Реквизиты',
            'deals.move': 'Перевести', 'deals.to': 'Новый статус', 'deals.comment': 'Комментарий для партнёра',
            'deals.amount': 'Сумма оплаты', 'deals.currency': 'Валюта', 'deals.moved': 'Сделка переведена',
            'deals.none': 'Сделок нет.', 'deals.noMoves': 'Отсюда перевести некуда.', 'deals.more': 'Показать ещё (осталось {left})',
            'applicant.title': 'Добро пожаловать!', 'applicant.text': 'Кабинет откроется, когда менеджер одобрит вашу заявку. Подать её и следить за ней можно в чате с ботом.',
            'applicant.chat': 'Вернуться в чат',
            'auth.title': 'Откройте из Telegram', 'auth.text': 'Это кабинет бота: откройте его кнопкой меню в чате с ботом.',
            'error.generic': 'Что-то пошло не так. Попробуйте ещё раз.', 'error.retry': 'Повторить', 'cancel': 'Отмена',
            'required': 'Заполните это поле', 'open': 'Открыть',
        },
    };

    const userLanguage = tg?.initDataUnsafe?.user?.language_code || navigator.language || 'en';
    let lang = /^ru\b/i.test(userLanguage) ? 'ru' : 'en';
    const t = (key, vars) => {
        let s = DICT[lang]?.[key] ?? DICT.en[key] ?? key;
        if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] ?? m));
        return s;
    };

    // ---- DOM helpers -----------------------------------------------------------------------------------------------

    const $ = (id) => document.getElementById(id);

    /** h('div.card', {onclick}, child, 'text', ...): an element with classes, attributes/handlers and children. */
    function h(spec, attrs, ...children) {
        const [tag, ...classes] = spec.split('.');
        const e = document.createElement(tag || 'div');
        if (classes.length) e.className = classes.join(' ');
        if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
            children.unshift(attrs);
            attrs = null;
        }
        for (const [k, v] of Object.entries(attrs || {})) {
            if (v === null || v === undefined || v === false) continue;
            if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
            else if (k === 'text') e.textContent = v;
            else if (k === 'style') e.setAttribute('style', v);
            else if (k in e && typeof v !== 'string') e[k] = v;
            else e.setAttribute(k, v === true ? '' : v);
        }
        for (const c of children.flat()) {
            if (c === null || c === undefined || c === false) continue;
            e.append(c instanceof Node ? c : document.createTextNode(String(c)));
        }
        return e;
    }

    const section = (title, ...children) => h('section.section', title ? h('h2.section-title', title) : null, ...children);
    const empty = (text) => h('p.empty', text);
    const chip = (text, kind) => h('span.chip' + (kind ? '.' + kind : ''), text);
    const money = (m) => (m ? m.text || `${m.amount} ${m.currency}` : '—');

    function field(label, input, hint) {
        const error = h('span.field-error', {role: 'alert'});
        const wrap = h('label.field', h('span.field-label', label), input, hint ? h('span.field-hint', hint) : null, error);
        wrap.dataset.field = input.name || '';
        return wrap;
    }

    function select(name, options, value) {
        return h('select', {name},
            options.map(([v, text]) => h('option', {value: v, selected: v === value}, text)));
    }

    let toastTimer;

    function toast(text) {
        const box = $('toast');
        box.textContent = text;
        box.hidden = false;
        clearTimeout(toastTimer);
        toastTimer = setTimeout(() => { box.hidden = true; }, 2600);
    }

    function haptic(kind) {
        const f = tg?.HapticFeedback;
        if (!f || !tg.isVersionAtLeast?.('6.1')) return;
        try {
            if (kind === 'success' || kind === 'error' || kind === 'warning') f.notificationOccurred(kind);
            else if (kind === 'select') f.selectionChanged();
            else f.impactOccurred(kind || 'light');
        } catch (e) { /* a client without haptics */ }
    }

    // ---- theme -----------------------------------------------------------------------------------------------------

    const THEME = {
        bg_color: '--bg', secondary_bg_color: '--bg2', section_bg_color: '--section', text_color: '--text',
        hint_color: '--hint', subtitle_text_color: '--subtitle', link_color: '--link', accent_text_color: '--accent',
        button_color: '--button', button_text_color: '--button-text', destructive_text_color: '--danger',
        section_header_text_color: '--section-header', section_separator_color: '--separator',
    };

    function applyTheme() {
        const root = document.documentElement;
        const scheme = tg?.colorScheme || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
        root.dataset.scheme = scheme;
        const params = tg?.themeParams || {};
        for (const [key, variable] of Object.entries(THEME)) {
            if (params[key]) root.style.setProperty(variable, params[key]); else root.style.removeProperty(variable);
        }
        try {
            if (tg?.isVersionAtLeast?.('6.1')) {
                tg.setHeaderColor('secondary_bg_color');
                tg.setBackgroundColor('secondary_bg_color');
            }
        } catch (e) { /* older clients keep their colours */ }
    }

    // ---- API -------------------------------------------------------------------------------------------------------

    class ApiError extends Error {
        constructor(status, data) {
            super(data?.message || t('error.generic'));
            this.status = status;
            this.data = data || {};
        }
    }

    const authorization = () => 'tma ' + (tg?.initData || '');

    async function api(path, body, method) {
        const options = {method: method || (body === undefined ? 'GET' : 'POST'), headers: {Authorization: authorization()}};
        if (body !== undefined) {
            options.headers['Content-Type'] = 'application/json';
            options.body = JSON.stringify(body);
        }
        let response;
        try {
            response = await fetch('/app/api' + path, options);
        } catch (e) {
            throw new ApiError(0, null);
        }
        const data = (response.headers.get('content-type') || '').includes('json')
            ? await response.json().catch(() => null) : null;
        if (!response.ok) throw new ApiError(response.status, data);
        return data;
    }

    /** A file of the API (QR, invoice) as an object URL: an img or a link cannot send the Authorization header. */
    async function file(path) {
        const url = path.startsWith('/app/api') ? path : '/app/api' + path;
        const response = await fetch(url, {headers: {Authorization: authorization()}});
        if (!response.ok) throw new ApiError(response.status, null);
        return URL.createObjectURL(await response.blob());
    }

    async function openFile(path, name) {
        try {
            const url = await file(path);
            const a = h('a', {href: url, download: name, target: '_blank', rel: 'noopener'});
            document.body.append(a);
            a.click();
            a.remove();
            setTimeout(() => URL.revokeObjectURL(url), 60000);
        } catch (e) {
            toast(e.message);
        }
    }

    function openLink(url) {
        if (!url) return;
        if (url.startsWith('/app/api/')) { openFile(url, url.split('/').pop()); return; }
        const absolute = new URL(url, location.origin).href;
        if (tg?.openLink) tg.openLink(absolute); else window.open(absolute, '_blank', 'noopener');
    }

    // ---- navigation: tabs, sub-views, Telegram's Back and Main buttons ------------------------------------------------

    const PARTNER_TABS = ['home', 'clients', 'payouts', 'learn', 'invite'];
    const MANAGER_TABS = ['queue', 'deals'];
    const ICONS = {home: '🏠', clients: '👥', payouts: '💳', learn: '🎓', invite: '🤝', queue: '📥', deals: '📂'};

    const state = {me: null, tab: null, stack: [], generation: 0};

    /** Telegram's MainButton where offered, else a button at the bottom of the page; one action at a time. */
    const mainButton = {
        action: null,
        busy: false,
        handler: null,
        set(text, action) {
            this.clear();
            if (!text) return;
            this.action = action;
            this.handler = () => this.run();
            if (tg?.MainButton) {
                tg.MainButton.setParams({text, is_visible: true, is_active: true});
                tg.MainButton.onClick(this.handler);
            } else {
                const box = $('inpage-main');
                const button = box.querySelector('button');
                button.textContent = text;
                button.onclick = this.handler;
                box.hidden = false;
                document.body.classList.add('has-main');
            }
        },
        clear() {
            if (tg?.MainButton) {
                if (this.handler) tg.MainButton.offClick(this.handler);
                tg.MainButton.hideProgress?.();
                tg.MainButton.hide();
            }
            $('inpage-main').hidden = true;
            document.body.classList.remove('has-main');
            this.action = null;
            this.handler = null;
            this.busy = false;
        },
        async run() {
            if (this.busy || !this.action) return;
            this.busy = true;
            const action = this.action;
            tg?.MainButton?.showProgress?.(false);
            try {
                await action();
            } finally {
                this.busy = false;
                tg?.MainButton?.hideProgress?.();
            }
        },
    };

    const onBack = () => back();

    function updateBackButton() {
        const show = state.stack.length > 0;
        if (tg?.BackButton) {
            if (show) tg.BackButton.show(); else tg.BackButton.hide();
        }
        document.body.classList.toggle('in-subview', show);
    }

    function renderTabs() {
        const tabs = state.me.role === 'manager' ? MANAGER_TABS : state.me.role === 'partner' ? PARTNER_TABS : [];
        const nav = $('tabs');
        nav.replaceChildren(...tabs.map(name => h('button.tab', {
            type: 'button', 'data-tab': name, 'aria-current': name === state.tab ? 'page' : null,
            onclick: () => { if (name !== state.tab || state.stack.length) { haptic('select'); go(name); } },
        }, h('span.tab-icon', {'aria-hidden': 'true'}, ICONS[name]), h('span.tab-label', t('tab.' + name)))));
        nav.hidden = tabs.length < 2;
    }

    function go(tab) {
        state.tab = tab;
        state.stack = [];
        renderTabs();
        show(VIEWS[tab]);
    }

    function push(view) {
        state.stack.push(view);
        show(view);
    }

    function back() {
        if (!state.stack.length) return;
        state.stack.pop();
        show(state.stack.at(-1) || VIEWS[state.tab]);
    }

    /** Renders a view: an async function filling the root; it may set the main button. */
    async function show(view) {
        const generation = ++state.generation;
        mainButton.clear();
        updateBackButton();
        const root = h('div.view-body');
        $('view').replaceChildren(h('div.loading', {'aria-hidden': 'true'}, h('span'), h('span'), h('span')));
        window.scrollTo(0, 0);
        try {
            await view(root, () => generation === state.generation);
            if (generation !== state.generation) return;
            $('view').replaceChildren(root);
        } catch (e) {
            if (generation !== state.generation) return;
            if (e.status === 401) { unauthorized(); return; }
            $('view').replaceChildren(h('div.problem', h('p', e.message),
                h('button.button', {type: 'button', onclick: () => show(view)}, t('error.retry'))));
        }
    }

    function unauthorized() {
        mainButton.clear();
        $('tabs').hidden = true;
        $('view').replaceChildren(h('div.problem', h('h1', t('auth.title')), h('p', t('auth.text'))));
    }

    // ---- forms -----------------------------------------------------------------------------------------------------

    function clearErrors(form) {
        form.querySelectorAll('.field-error').forEach(e => { e.textContent = ''; });
        form.querySelectorAll('.invalid').forEach(e => e.classList.remove('invalid'));
        form.querySelector('.form-error')?.replaceChildren();
    }

    /** Shows a 400 next to its field, anything else above the form; returns false. */
    function showError(form, error) {
        haptic('error');
        const name = error.data?.field;
        const wrap = name && form.querySelector(`.field[data-field="${CSS.escape(name)}"]`);
        if (wrap) {
            wrap.classList.add('invalid');
            wrap.querySelector('.field-error').textContent = error.message;
            wrap.querySelector('input, select, textarea')?.focus();
        } else {
            form.querySelector('.form-error').textContent = error.message;
        }
        return false;
    }

    function missing(form, names) {
        for (const name of names) {
            const input = form.elements[name];
            if (input && !input.disabled && !String(input.value).trim()) {
                showError(form, {message: t('required'), data: {field: name}});
                return true;
            }
        }
        return false;
    }

    function form(onSubmit, ...children) {
        const f = h('form.form', {novalidate: true, autocomplete: 'off'}, h('p.form-error', {role: 'alert'}), ...children);
        // Enter in a field does what the main button does (a form with a button of its own handles submit itself)
        if (onSubmit) f.addEventListener('submit', (e) => { e.preventDefault(); mainButton.run(); });
        return f;
    }

    // ---- partner: home ---------------------------------------------------------------------------------------------

    async function homeView(root) {
        const d = await api('/home');
        const b = d.balance || {};
        root.append(section(t('home.balance'), h('div.balance',
            h('div.stat.main', h('span.stat-label', t('home.available')), h('span.stat-value', {'data-testid': 'available'}, money(b.available))),
            h('div.stat', h('span.stat-label', t('home.onHold')), h('span.stat-value', money(b.onHold))),
            h('div.stat', h('span.stat-label', t('home.paidOut')), h('span.stat-value', money(b.paidOut))))));

        const months = d.months || [];
        const max = Math.max(0, ...months.map(m => Number(m.earned?.amount) || 0));
        root.append(section(t('home.months'), !months.length || max === 0 ? empty(t('home.noMonths'))
            : h('div.chart', {role: 'list'}, months.map(m => {
                const value = Number(m.earned?.amount) || 0;
                return h('div.bar-row', {role: 'listitem'},
                    h('div.bar-head', h('span.bar-label', m.label || m.month), h('span.bar-value', money(m.earned))),
                    h('div.bar-track', h('div.bar', {style: `width:${max ? Math.max(value / max * 100, value > 0 ? 2 : 0) : 0}%`})));
            }))));

        if (d.tier) {
            const tier = d.tier;
            const done = Number(tier.paidClients) || 0;
            const total = done + (Number(tier.needed) || 0);
            root.append(section(t('home.tier'), h('div.card',
                h('div.tier-rate', t('home.rate', {rate: tier.rate})),
                h('p.tier-text', tier.text || (tier.nextRate ? '' : t('home.top'))),
                tier.nextRate && total > 0 ? h('div.progress', {role: 'progressbar', 'aria-valuemin': '0',
                    'aria-valuemax': String(total), 'aria-valuenow': String(done)},
                    h('div.progress-bar', {style: `width:${done / total * 100}%`})) : null)));
        }

        const todo = d.todo || [];
        root.append(section(t('home.todo'), !todo.length ? empty(t('home.allDone'))
            : h('div.list', todo.map(item => h('button.list-item.action', {
                type: 'button', 'data-todo': item.key,
                onclick: () => { if (VIEWS[item.view]) go(item.view); },
            }, h('span.grow', item.text), h('span.chevron', {'aria-hidden': 'true'}, '›'))))));
    }

    // ---- partner: clients -------------------------------------------------------------------------------------------

    const clientFilter = {q: '', status: ''};

    async function clientsView(root, current) {
        const list = h('div.list', {'data-testid': 'clients'});
        const statusSelect = h('select', {name: 'status', 'aria-label': t('clients.all')});
        const search = h('input', {type: 'search', name: 'q', placeholder: t('clients.search'),
            'aria-label': t('clients.search'), value: clientFilter.q, enterkeyhint: 'search'});
        let timer;
        let loaded = 0;

        async function load() {
            const ticket = ++loaded;
            const query = new URLSearchParams();
            if (clientFilter.q) query.set('q', clientFilter.q);
            if (clientFilter.status) query.set('status', clientFilter.status);
            const d = await api('/clients' + (query.toString() ? '?' + query : ''));
            if (ticket !== loaded) return;
            if (statusSelect.options.length === 0) {
                statusSelect.append(h('option', {value: ''}, t('clients.all')),
                    (d.statuses || []).map(s => h('option', {value: s.code, selected: s.code === clientFilter.status}, s.label)));
            }
            list.replaceChildren(...(d.clients || []).map(clientCard));
            if (!d.clients?.length) list.append(empty(t('clients.none')));
        }

        search.addEventListener('input', () => {
            clearTimeout(timer);
            timer = setTimeout(() => { clientFilter.q = search.value.trim(); load().catch(e => toast(e.message)); }, 250);
        });
        statusSelect.addEventListener('change', () => {
            clientFilter.status = statusSelect.value;
            haptic('select');
            load().catch(e => toast(e.message));
        });
        await load();
        root.append(h('div.toolbar', search, statusSelect), list);
        if (current()) mainButton.set(t('clients.new'), async () => push(clientForm));
    }

    function clientCard(c) {
        return h('button.list-item.client', {type: 'button', 'data-client': c.id, onclick: () => push((root) => clientDetail(root, c))},
            h('div.grow',
                h('div.item-title', {translate: 'no'}, c.name),
                h('div.item-sub', [c.product?.title, c.phone].filter(Boolean).join(' · '))),
            h('div.item-side', chip(c.statusLabel || c.status, 'status-' + c.status),
                c.commission ? h('div.item-money', money(c.commission)) : null));
    }

    async function clientDetail(root, c) {
        root.append(h('div.card',
            h('h1.title', {translate: 'no'}, c.name),
            h('p.subtitle', [c.product?.title, c.phone].filter(Boolean).join(' · ')),
            h('div.pair', chip(c.statusLabel || c.status, 'status-' + c.status)),
            h('dl.facts',
                h('dt', t('clients.amount')), h('dd', money(c.amount)),
                h('dt', t('clients.commission')), h('dd', money(c.commission)))));
        root.append(section(t('clients.timeline'), h('ol.timeline', (c.history || []).map(e => h('li',
            h('div.timeline-head', h('b', e.statusLabel || e.status), h('span.hint', e.atText || e.at)),
            e.comment ? h('p.timeline-comment', {translate: 'no'}, e.comment) : null)))));
    }

    async function clientForm(root) {
        const products = await api('/products');
        const f = form(true,
            h('h1.title', t('form.title')),
            field(t('form.name'), h('input', {name: 'name', maxlength: '200', autocomplete: 'off'})),
            field(t('form.phone'), h('input', {name: 'phone', type: 'tel', maxlength: '40', inputmode: 'tel'}), t('form.phoneHint')),
            field(t('form.product'), select('product', (products || []).map(p => [p.id, p.title]))),
            field(t('form.comment'), h('textarea', {name: 'comment', rows: '3', maxlength: '1000'})));
        root.append(f);
        mainButton.set(t('form.submit'), async () => {
            clearErrors(f);
            if (missing(f, ['name', 'phone', 'product'])) return;
            const body = {name: f.elements.name.value.trim(), phone: f.elements.phone.value.trim(),
                product: f.elements.product.value, comment: f.elements.comment.value.trim() || null};
            try {
                await api('/clients', body);
            } catch (e) {
                if (e.status === 401) { unauthorized(); return; }
                showError(f, e);
                return;
            }
            haptic('success');
            toast(t('clients.submitted'));
            go('clients');
        });
    }

    // ---- partner: payouts -------------------------------------------------------------------------------------------

    async function payoutsView(root) {
        const d = await api('/payouts');
        const r = d.requisites;
        const requisites = h('div.card.requisites',
            h('div.item-title', t('payouts.requisites')),
            r ? h('div.requisites-line', h('span.mono', {'data-testid': 'masked'}, r.masked || '—'),
                chip(t('req.' + (r.status || 'none')), 'req-' + (r.status || 'none'))) : h('p.hint', t('payouts.noRequisites')),
            r?.legalName ? h('div.hint', {translate: 'no'}, r.legalName) : null,
            d.pendingRequisites ? h('div.requisites-line', h('span.mono', d.pendingRequisites.masked || '—'),
                chip(t('req.pending'), 'req-pending')) : null,
            h('button.button.link', {type: 'button', onclick: () => push(requisitesForm)},
                r ? t('payouts.change') : t('payouts.add')));

        const amount = h('input', {name: 'amount', type: 'text', inputmode: 'decimal', placeholder: d.available?.amount || ''});
        const all = h('input', {type: 'checkbox', name: 'all'});
        all.addEventListener('change', () => {
            amount.disabled = all.checked;
            amount.value = all.checked ? (d.available?.amount || '') : '';
            haptic('select');
        });
        let key = newKey();
        const f = form(true,
            field(t('payouts.amount'), amount, d.minimum ? t('payouts.minimum', {amount: money(d.minimum)}) : null),
            h('label.check', all, h('span', t('payouts.all'))));

        root.append(
            h('div.card.hero', h('span.stat-label', t('payouts.available')),
                h('span.hero-value', {'data-testid': 'payout-available'}, money(d.available))),
            requisites,
            section(t('payouts.request'), f),
            section(t('payouts.requests'), !(d.requests || []).length ? empty(t('payouts.none'))
                : h('div.list', {'data-testid': 'payout-requests'}, d.requests.map(p => h('div.list-item', {'data-payout': p.id},
                    h('div.grow', h('div.item-title', money(p.amount)), h('div.item-sub', p.createdAtText || p.createdAt)),
                    h('div.item-side', chip(p.statusLabel || p.status, 'payout-' + p.status),
                        p.invoiceUrl ? h('button.button.small', {type: 'button',
                            onclick: () => openFile(p.invoiceUrl, `invoice-${p.id}.pdf`)}, t('payouts.invoice')) : null))))));

        mainButton.set(t('payouts.request'), async () => {
            clearErrors(f);
            if (!all.checked && missing(f, ['amount'])) return;
            const value = all.checked ? 'all' : amount.value.replace(/\s/g, '').replace(',', '.');
            try {
                await api('/payouts', {amount: value, key});
            } catch (e) {
                if (e.status === 401) { unauthorized(); return; }
                if (e.status !== 400) key = newKey();
                showError(f, e.data?.field ? e : Object.assign(e, {data: {field: 'amount'}}));
                return;
            }
            haptic('success');
            toast(t('payouts.requested'));
            show(VIEWS.payouts);
        });
    }

    const newKey = () => (crypto.randomUUID ? crypto.randomUUID()
        : Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join(''));

    async function requisitesForm(root) {
        const method = select('method', [['bank', t('req.bank')], ['card', t('req.card')], ['other', t('req.other')]], 'card');
        const accountLabel = h('span.field-label');
        const account = h('input', {name: 'account', maxlength: '80', autocomplete: 'off'});
        const accountField = field('', account);
        accountField.querySelector('.field-label').replaceWith(accountLabel);
        const bankCode = field(t('req.bankCode'), h('input', {name: 'bankCode', maxlength: '20', inputmode: 'numeric'}));
        const taxLabel = h('span.field-label');
        const taxField = field('', h('input', {name: 'taxId', maxlength: '14', inputmode: 'numeric'}));
        taxField.querySelector('.field-label').replaceWith(taxLabel);
        const currencies = state.me.currencies || ['RUB', 'USD', 'EUR'];
        const f = form(true,
            h('h1.title', t('req.title')), h('p.hint', t('req.note')),
            field(t('req.method'), method), accountField, bankCode,
            field(t('req.legalName'), h('input', {name: 'legalName', maxlength: '200'})), taxField,
            field(t('req.currency'), select('currency', currencies.map(c => [c, c]), currencies[0])));

        function adapt() {
            const m = method.value;
            accountLabel.textContent = t('req.account.' + m);
            account.type = m === 'other' ? 'email' : 'text';
            account.inputMode = m === 'other' ? 'email' : 'numeric';
            bankCode.hidden = m !== 'bank';
            bankCode.querySelector('input').disabled = m !== 'bank';
            taxLabel.textContent = m === 'bank' ? t('req.taxId') : t('req.taxIdOptional');
        }

        method.addEventListener('change', adapt);
        adapt();
        root.append(f);
        mainButton.set(t('req.send'), async () => {
            clearErrors(f);
            const required = ['account', 'legalName', 'currency'].concat(method.value === 'bank' ? ['bankCode', 'taxId'] : []);
            if (missing(f, required)) return;
            const v = (n) => (f.elements[n] && !f.elements[n].disabled ? f.elements[n].value.trim() || null : null);
            try {
                await api('/requisites', {method: method.value, account: v('account'), bankCode: v('bankCode'),
                    legalName: v('legalName'), taxId: v('taxId'), currency: v('currency')});
            } catch (e) {
                if (e.status === 401) { unauthorized(); return; }
                showError(f, e);
                return;
            }
            haptic('success');
            toast(t('req.sent'));
            go('payouts');
        });
    }

    // ---- partner: training and knowledge ---------------------------------------------------------------------------

    async function learnView(root) {
        const [training, kb] = await Promise.all([api('/training'), api('/kb')]);
        const courses = training.courses || [];
        root.append(section(t('learn.courses'), !courses.length ? empty(t('learn.noCourses'))
            : h('div.list', courses.map(c => {
                const [done, total] = String(c.progress || '0/0').split('/').map(Number);
                return h('div.list-item.course', {'data-course': c.id},
                    h('div.grow', h('div.item-title', c.title),
                        h('div.item-sub', `${c.progress || ''} · ${t('learn.lessons', {n: c.lessons})}`),
                        h('div.progress', h('div.progress-bar', {style: `width:${total ? done / total * 100 : 0}%`}))),
                    h('div.item-side', c.passed ? chip(t('learn.passed'), 'ok') : null,
                        c.certificateUrl ? h('button.button.small', {type: 'button', onclick: () => openLink(c.certificateUrl)},
                            t('learn.certificate')) : null));
            }))));

        const results = h('div.list');
        const search = h('input', {type: 'search', placeholder: t('learn.search'), 'aria-label': t('learn.search'), enterkeyhint: 'search'});
        const sections = h('div', (kb.sections || []).map(s => h('div.kb-section', h('h3.kb-title', s.title),
            h('div.list', (s.articles || []).map(articleItem)))));
        let timer;
        search.addEventListener('input', () => {
            clearTimeout(timer);
            timer = setTimeout(async () => {
                const q = search.value.trim();
                if (!q) { results.replaceChildren(); sections.hidden = false; return; }
                try {
                    const d = await api('/kb?q=' + encodeURIComponent(q));
                    sections.hidden = true;
                    results.replaceChildren(...(d.results || []).map(r => articleItem(r, r.snippet)));
                    if (!d.results?.length) results.append(empty(t('learn.noResults')));
                } catch (e) {
                    toast(e.message);
                }
            }, 250);
        });
        root.append(section(t('learn.kb'), h('div.toolbar', search), results, sections));
    }

    function articleItem(a, snippet) {
        return h('button.list-item.action', {type: 'button', 'data-article': a.id, onclick: () => push((root) => article(root, a.id))},
            h('div.grow', h('div.item-title', a.title), snippet ? h('div.item-sub', snippet) : null),
            h('span.chevron', {'aria-hidden': 'true'}, '›'));
    }

    async function article(root, id) {
        const a = await api('/kb/' + encodeURIComponent(id));
        const body = h('div.article-body');
        body.innerHTML = a.html || ''; // the knowledge base's own HTML, sanitized by the server
        body.querySelectorAll('a[href]').forEach(link => link.addEventListener('click', (e) => {
            e.preventDefault();
            openLink(link.href);
        }));
        root.append(h('article.card', h('h1.title', a.title), body));
    }

    // ---- partner: invitations --------------------------------------------------------------------------------------

    async function inviteView(root) {
        const d = await api('/invitations');
        const link = h('input.mono', {readonly: true, value: d.link || '', 'aria-label': t('invite.link'), 'data-testid': 'invite-link'});
        const qr = h('img.qr', {alt: t('invite.qr'), width: '200', height: '200'});
        if (d.qr) file(d.qr).then(url => { qr.src = url; }).catch(() => { qr.hidden = true; });
        root.append(section(t('invite.link'), h('div.card',
            link,
            h('div.row',
                h('button.button', {type: 'button', onclick: async () => {
                    try { await navigator.clipboard.writeText(d.link); } catch (e) { link.select(); document.execCommand?.('copy'); }
                    haptic('success');
                    toast(t('invite.copied'));
                }}, t('invite.copy')),
                h('button.button', {type: 'button', onclick: () => {
                    const share = 'https://t.me/share/url?url=' + encodeURIComponent(d.link);
                    if (tg?.openTelegramLink) tg.openTelegramLink(share); else window.open(share, '_blank', 'noopener');
                }}, t('invite.share'))),
            h('div.qr-box', qr))));
        root.append(h('div.card.hero', h('span.stat-label', t('invite.rewards')), h('span.hero-value', money(d.rewards))));
        const invited = d.invited || [];
        root.append(section(t('invite.invited'), !invited.length ? empty(t('invite.none'))
            : h('div.list', invited.map(p => h('div.list-item', h('div.grow.item-title', {translate: 'no'}, p.name),
                chip(p.stageLabel || p.stage, 'stage-' + p.stage))))));
    }

    // ---- manager: the queue ----------------------------------------------------------------------------------------

    async function queueView(root) {
        const d = await api('/queue');
        const items = d.items || [];
        const list = h('div.cards', {'data-testid': 'queue'});
        if (!items.length) list.append(empty(t('queue.empty')));
        // the answer holds the oldest items; when they are decided and more wait, the view is fetched again
        const more = () => d.total > items.length && (show(queueView), true);
        for (const item of items) list.append(queueCard(item, list, more));
        if (d.total > items.length) root.append(h('p.hint', t('queue.more', {shown: items.length, total: d.total})));
        root.append(list);
    }

    function queueCard(item, list, more) {
        const reason = h('textarea', {name: 'reason', rows: '2', maxlength: '500'});
        const rejectBox = h('div.reject-box', {hidden: true}, field(t('queue.reason'), reason),
            h('button.button.danger.wide', {type: 'button', onclick: () => decide('reject')}, t('queue.confirmReject')));
        const problem = h('p.form-error', {role: 'alert'});
        const card = h('article.card.queue-item', {'data-item': item.id, 'data-kind': item.kind},
            h('div.row.spread', chip(t('kind.' + item.kind), 'kind-' + item.kind),
                h('span.hint', item.createdAtText || (item.createdAt ? new Date(item.createdAt).toLocaleString(lang) : ''))),
            h('h2.item-title', {translate: 'no'}, item.title),
            h('pre.card-text', {translate: 'no'}, item.card || ''),
            item.invoiceUrl ? h('button.button.small', {type: 'button',
                onclick: () => openFile(item.invoiceUrl, `invoice-${item.id}.pdf`)}, t('payouts.invoice')) : null,
            problem,
            h('div.row.actions',
                h('button.button.primary', {type: 'button', 'data-action': 'approve', onclick: () => decide('approve')}, t('queue.approve')),
                h('button.button.danger', {type: 'button', 'data-action': 'reject', onclick: () => {
                    rejectBox.hidden = !rejectBox.hidden;
                    if (!rejectBox.hidden) reason.focus();
                }}, t('queue.reject'))),
            rejectBox);

        let busy = false;

        async function decide(how) {
            if (busy) return;
            problem.textContent = '';
            if (how === 'reject' && !reason.value.trim()) {
                problem.textContent = t('required');
                haptic('error');
                reason.focus();
                return;
            }
            busy = true;
            card.classList.add('busy');
            try {
                const id = encodeURIComponent(item.id);
                if (how === 'approve') await api(`/queue/${id}/approve`, {});
                else await api(`/queue/${id}/reject`, {reason: reason.value.trim()});
                haptic('success');
                toast(t(how === 'approve' ? 'queue.approved' : 'queue.rejected'));
                card.remove();
                if (!list.querySelector('.queue-item') && !more()) list.replaceChildren(empty(t('queue.empty')));
            } catch (e) {
                if (e.status === 401) { unauthorized(); return; }
                haptic('error');
                problem.textContent = e.message;
                if (e.status === 409) card.querySelector('.actions').remove();
            } finally {
                busy = false;
                card.classList.remove('busy');
            }
        }

        return card;
    }

    // ---- manager: the deals board ----------------------------------------------------------------------------------

    async function dealsView(root) {
        const d = await api('/deals/board');
        const labels = Object.fromEntries((d.columns || []).map(c => [c.status, c.label]));
        const paid = d.paid || 'paid';
        const currencies = d.currencies || ['RUB'];
        const columns = (d.columns || []).filter(c => c.total);
        if (!columns.length) { root.append(empty(t('deals.none'))); return; }
        root.append(h('div.column-chips', (d.columns || []).map(c => h('a.chip.count', {href: '#col-' + c.status,
            onclick: (e) => { e.preventDefault(); document.getElementById('col-' + c.status)?.scrollIntoView({behavior: 'smooth'}); }},
            `${c.label} · ${c.total}`))));
        const card = (deal, status) => dealCard(deal, status, d.next?.[status] || [], labels, paid, currencies);
        for (const column of columns) {
            // each column comes with its first cards and its size; the rest a page at a time
            const cards = h('div.cards', column.deals.map(deal => card(deal, column.status)));
            let shown = column.deals.length;
            const more = h('button.button.small.wide', {type: 'button', 'data-action': 'more'});
            const label = (total) => { more.textContent = t('deals.more', {left: total - shown}); more.hidden = shown >= total; };
            label(column.total);
            more.addEventListener('click', async () => {
                more.disabled = true;
                try {
                    const page = await api(`/deals/board?status=${encodeURIComponent(column.status)}&offset=${shown}`);
                    const next = page.columns?.[0] || {deals: [], total: shown};
                    cards.append(...next.deals.map(deal => card(deal, column.status)));
                    shown += next.deals.length;
                    label(next.deals.length ? next.total : shown);
                } catch (err) {
                    if (err.status === 401) { unauthorized(); return; }
                    toast(err.message);
                } finally {
                    more.disabled = false;
                }
            });
            root.append(h('section.section.column', {id: 'col-' + column.status, 'data-column': column.status},
                h('h2.section-title', `${column.label} · ${column.total}`), cards, more));
        }
    }

    function dealCard(deal, status, next, labels, paid, currencies) {
        const to = select('status', next.map(s => [s, labels[s] || s]), next[0]);
        const amount = field(t('deals.amount'), h('input', {name: 'amount', inputmode: 'decimal', maxlength: '20'}));
        const currency = field(t('deals.currency'), select('currency', currencies.map(c => [c, c]), currencies[0]));
        const f = form(false, field(t('deals.to'), to),
            field(t('deals.comment'), h('textarea', {name: 'comment', rows: '2', maxlength: '500'})),
            h('div.row.pair-fields', amount, currency),
            h('button.button.primary.wide', {type: 'submit'}, t('deals.move')));
        f.hidden = true;
        const adapt = () => { amount.parentElement.hidden = to.value !== paid; };
        to.addEventListener('change', adapt);
        adapt();
        let busy = false;
        f.addEventListener('submit', async (e) => {
            e.preventDefault();
            if (busy) return;
            clearErrors(f);
            if (to.value === paid && missing(f, ['amount'])) return;
            busy = true;
            try {
                await api(`/deals/${encodeURIComponent(deal.id)}/move`, {status: to.value,
                    comment: f.elements.comment.value.trim() || null, version: deal.version ?? null,
                    amount: to.value === paid ? f.elements.amount.value.replace(/\s/g, '').replace(',', '.') : null,
                    currency: to.value === paid ? f.elements.currency.value : null});
                haptic('success');
                toast(t('deals.moved'));
                show(VIEWS.deals);
            } catch (err) {
                if (err.status === 401) { unauthorized(); return; }
                showError(f, err);
            } finally {
                busy = false;
            }
        });
        return h('article.card.deal', {'data-deal': deal.id},
            h('div.row.spread', h('div.grow', {translate: 'no'}, h('div.item-title', deal.client), h('div.item-sub', deal.partner)),
                deal.amount ? h('div.item-money', money(deal.amount)) : null),
            next.length ? h('button.button.small', {type: 'button', 'data-action': 'move', onclick: () => {
                f.hidden = !f.hidden;
                haptic('light');
            }}, t('deals.move')) : h('p.hint', t('deals.noMoves')),
            f);
    }

    // ---- applicant ---------------------------------------------------------------------------------------------------

    async function applicantView(root) {
        root.append(h('div.problem', h('h1', t('applicant.title')), h('p', t('applicant.text')),
            h('button.button.primary', {type: 'button', onclick: () => (tg?.close ? tg.close() : history.back())}, t('applicant.chat'))));
    }

    const VIEWS = {home: homeView, clients: clientsView, payouts: payoutsView, learn: learnView, invite: inviteView,
        queue: queueView, deals: dealsView, applicant: applicantView};

    // ---- start -------------------------------------------------------------------------------------------------------

    async function start() {
        applyTheme();
        if (tg) {
            tg.onEvent?.('themeChanged', applyTheme);
            tg.BackButton?.onClick(onBack);
            tg.ready?.();
            tg.expand?.();
        }
        if (!tg?.initData) { unauthorized(); return; }
        try {
            state.me = await api('/me');
        } catch (e) {
            if (e.status === 401) { unauthorized(); return; }
            $('view').replaceChildren(h('div.problem', h('p', e.message),
                h('button.button', {type: 'button', onclick: () => location.reload()}, t('error.retry'))));
            return;
        }
        if (DICT[state.me.language]) lang = state.me.language;
        document.documentElement.lang = lang;
        const tabs = state.me.role === 'manager' ? MANAGER_TABS : state.me.role === 'partner' ? PARTNER_TABS : [];
        if (!tabs.length) { state.tab = 'applicant'; renderTabs(); show(applicantView); return; }
        const wanted = new URLSearchParams(location.search).get('view') || tg?.initDataUnsafe?.start_param;
        go(tabs.includes(wanted) ? wanted : tabs[0]);
    }

    // tests and the sandbox read these
    window.PartnerkaMiniApp = {go, get tab() { return state.tab; }, get language() { return lang; }};
    start();
})();
