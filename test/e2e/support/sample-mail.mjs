// Sample mail for `npm run demo` and the mail e2e tests: varied, deterministic messages (threads,
// attachments, non-ASCII, newsletters with remote images, junk) appended over IMAP, so a mailbox
// looks lived in. Plain JS so the demo script runs it without a TypeScript step.
import { ImapFlow } from 'imapflow'
import MailComposer from 'nodemailer/lib/mail-composer/index.js'

const DAY = 86_400_000

/** A small deterministic generator (mulberry32): the same seed gives the same mailbox. */
export function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PEOPLE = [
  { name: 'Zoë Müller', address: 'zoe.mueller@atelier.example' },
  { name: 'José García', address: 'jose@garcia-ingenieria.example' },
  { name: '山田 太郎', address: 'taro.yamada@kaisha.example' },
  { name: 'Ольга Смирнова', address: 'olga@lab.example' },
  { name: 'Priya Raman', address: 'priya@studio.example' },
  { name: 'Tomás Ó Briain', address: 'tomas@harbour.example' },
  { name: 'Amara Okafor', address: 'amara@clinic.example' },
  { name: 'Lars Nyström', address: 'lars@fjord.example' },
  { name: 'Chloé Dubois', address: 'chloe@maison.example' },
  { name: 'Mateus Silva', address: 'mateus@cooperativa.example' },
]

const TOPICS = [
  ['Quarterly planning', 'I put together a first draft of the plan for next quarter. Could you look at the staffing section before Thursday?'],
  ['Lunch on Friday?', 'There is a new ramen place near the station. Friday at 12:30 works for me — does it for you?'],
  ['Invoice 2026-0412', 'Please find the invoice for April attached. Payment terms are 30 days as usual.'],
  ['Trip to Lisbon', 'Flights are booked! We land at 10:05 on the 14th. I will share the hotel details once confirmed.'],
  ['Server maintenance window', 'We will restart the database cluster on Sunday between 02:00 and 03:00 UTC. Expect a short interruption.'],
  ['Photos from the weekend', 'Here are a few of the photos from the hike. The view from the ridge was unreal.'],
  ['Contract review', 'Legal sent back their comments on clause 7. Most are minor; the liability cap needs a decision.'],
  ['Résumé — design position', 'Attached is my résumé for the product designer role. I would love to tell you more about my work.'],
  ['Garden club meeting', 'Reminder: we meet on Tuesday at 19:00 in the community hall. Bring seedlings to swap!'],
  ['Über die Präsentation', 'Vielen Dank für die Präsentation gestern. Können wir die Zahlen für März noch einmal durchgehen?'],
  ['会議の議事録', '昨日の会議の議事録を添付します。ご確認のほどよろしくお願いいたします。'],
  ['Отчёт за неделю', 'Коллеги, отправляю краткий отчёт за неделю. Основные задачи выполнены, подробности во вложении.'],
  ['Bug in the export', 'When exporting more than 10k rows, the CSV is cut off at 9,999. Steps to reproduce are below.'],
  ['Welcome aboard 🎉', 'We are so happy to have you on the team. Your laptop will be ready on Monday morning.'],
  ['Recipe you asked for', 'Here it is: 200 g flour, 3 eggs, a pinch of salt, and patience. Let the dough rest an hour.'],
]

const REPLIES = [
  'Thanks, that sounds good to me.',
  'I had a look — a few comments inline below.',
  'Works for me. Let us confirm tomorrow.',
  'Could we move this to next week? This one is packed.',
  'Great, thank you! I will forward it to the team.',
]

function attachmentFor(rng, index) {
  const kind = Math.floor(rng() * 3)
  if (kind === 0) return { filename: `report-${index}.csv`, content: `month,revenue,costs\nJanuary,1200,800\nFebruary,1350,820\nMarch,1500,900\n`, contentType: 'text/csv' }
  if (kind === 1) return { filename: `notes-${index}.txt`, content: 'Meeting notes\n\n- Agree on the scope\n- Review the budget\n- Next steps by Friday\n', contentType: 'text/plain' }
  // a 1×1 PNG is enough to look like a photo attachment in the list
  return { filename: `photo-${index}.png`, content: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'), contentType: 'image/png' }
}

function newsletterHtml(title, remoteBase, index) {
  const image = (name, w, h) => (remoteBase ? `<img src="${remoteBase}/${name}?n=${index}" width="${w}" height="${h}" alt="${name}">` : '')
  return `<!doctype html><html><head><style>
  .wrap{max-width:600px;margin:0 auto;font-family:Georgia,serif;color:#222}
  h1{font-size:26px;margin:0 0 8px} .lead{color:#555;font-size:16px}
  .card{border:1px solid #e5e5e5;border-radius:8px;padding:16px;margin:16px 0;background:#fafafa}
  a.button{display:inline-block;background:#2f6feb;color:#fff;padding:8px 14px;border-radius:6px;text-decoration:none}
</style></head><body><div class="wrap">
  ${image('banner.svg', 600, 160)}
  <h1>${title}</h1>
  <p class="lead">This week: what we shipped, what we learned, and what is next.</p>
  <div class="card"><h2 style="font-size:18px;margin-top:0">Release notes</h2><p>Faster search, a calmer inbox and fewer clicks to archive.</p>
  <a class="button" href="https://news.example/read/${index}">Read more</a></div>
  <div class="card"><h2 style="font-size:18px;margin-top:0">From the community</h2><p>Three readers shared how they organise their mail with folders and flags.</p></div>
  <p style="color:#888;font-size:12px">You receive this because you subscribed at news.example. <a href="https://news.example/unsubscribe">Unsubscribe</a></p>
  ${image('pixel.gif', 1, 1)}
</div></body></html>`
}

async function build(options) {
  return await new MailComposer(options).compile().build()
}

/**
 * About `count` messages for `owner` (a { name, address }): conversations with replies from the
 * owner filed in Sent, attachments, newsletters (with List-Unsubscribe and, when `remoteBase` is
 * given, remote images from there), a few junk messages, some archived. Newest within the last
 * 90 days before `now`.
 */
export async function sampleMailbox({ owner, count = 240, seed = 1, now = Date.now(), remoteBase = null, domain = 'example.test' }) {
  const rng = random(seed)
  const pick = (list) => list[Math.floor(rng() * list.length)]
  const messages = []
  let n = 0
  const id = () => `<sample-${seed}-${++n}@${domain}>`
  while (messages.length < count) {
    const when = now - Math.floor(rng() * 90 * DAY)
    const roll = rng()
    const person = pick(PEOPLE)
    if (roll < 0.12) {
      const index = messages.length
      const raw = await build({
        from: { name: 'The Weekly Digest', address: 'digest@news.example' },
        to: owner,
        subject: `The Weekly Digest #${100 + index}`,
        date: new Date(when),
        messageId: id(),
        html: newsletterHtml(`The Weekly Digest #${100 + index}`, remoteBase, index),
        text: 'This week: what we shipped, what we learned, and what is next. Read online at https://news.example/',
        headers: { 'List-Unsubscribe': '<https://news.example/unsubscribe>, <mailto:leave@news.example>', 'List-Id': 'Weekly Digest <digest.news.example>' },
      })
      messages.push({ folder: rng() < 0.3 ? 'Archive' : 'INBOX', raw, flags: rng() < 0.5 ? ['\\Seen'] : [], date: new Date(when) })
    } else if (roll < 0.16) {
      const raw = await build({
        from: { name: 'Prize Department', address: `winner${Math.floor(rng() * 1000)}@lottery.invalid` },
        to: owner,
        subject: 'You have WON €1,000,000 — claim now',
        date: new Date(when),
        messageId: id(),
        html: '<p>Dear friend, <b>congratulations</b>! <a href="https://claim.lottery.invalid/">https://www.yourbank.example/secure</a> to claim.</p>',
        headers: { 'X-Spam-Flag': 'YES', 'X-Spam-Status': 'Yes, score=14.2' },
      })
      messages.push({ folder: 'Junk', raw, flags: [], date: new Date(when) })
    } else {
      const [subject, text] = pick(TOPICS)
      const withAttachment = rng() < 0.22
      const first = id()
      const index = messages.length
      const raw = await build({
        from: person,
        to: owner,
        cc: rng() < 0.2 ? [pick(PEOPLE)] : undefined,
        subject,
        date: new Date(when),
        messageId: first,
        text: `Hi ${owner.name.split(' ')[0]},\n\n${text}\n\nBest,\n${person.name}\n\nhttps://www.example.org/docs/${index}`,
        attachments: withAttachment ? [attachmentFor(rng, index)] : [],
      })
      const read = rng() < 0.8
      const archived = rng() < 0.15
      messages.push({ folder: archived ? 'Archive' : 'INBOX', raw, flags: [...(read ? ['\\Seen'] : []), ...(rng() < 0.08 ? ['\\Flagged'] : [])], date: new Date(when) })
      // a conversation: the owner answers (filed in Sent), the other side answers again
      if (rng() < 0.3) {
        let parent = first
        const references = [first]
        let at = when
        const turns = 1 + Math.floor(rng() * 3)
        for (let turn = 0; turn < turns; turn++) {
          at += Math.floor(rng() * 2 * DAY) + 3_600_000
          if (at > now) break
          const mine = turn % 2 === 0
          const replyId = id()
          const reply = await build({
            from: mine ? owner : person,
            to: mine ? person : owner,
            subject: `Re: ${subject}`,
            date: new Date(at),
            messageId: replyId,
            inReplyTo: parent,
            references: [...references],
            text: `${pick(REPLIES)}\n\n> ${text}`,
          })
          messages.push({ folder: mine ? 'Sent' : 'INBOX', raw: reply, flags: mine || rng() < 0.6 ? ['\\Seen'] : [], date: new Date(at) })
          references.push(replyId)
          parent = replyId
        }
      }
    }
  }
  return messages
}

/** Appends the messages to `user`'s mailbox over IMAPS (the folders exist: Dovecot creates the special-use ones). */
export async function appendMailbox({ host, port, ca, user, password }, messages) {
  const client = new ImapFlow({ host, port, secure: true, tls: { ca }, auth: { user, pass: password }, logger: false, disableAutoIdle: true })
  client.on('error', () => undefined)
  await client.connect()
  try {
    for (const message of messages) await client.append(message.folder, message.raw, message.flags, message.date)
  } finally {
    await client.logout()
  }
}
