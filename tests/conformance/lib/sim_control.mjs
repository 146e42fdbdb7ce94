// Ownership: one per test run; stateless apart from the base URL; single-threaded.
// m365sim's control API under /_sim/: mailbox mutations and ground-truth dumps. Plain fetch,
// outside the Graph SDK (this API is the simulator's own, not Graph's).

export class ControlError extends Error {
  constructor(method, path, status, body) {
    super(`${method} ${path} -> HTTP ${status}: ${body.slice(0, 300)}`);
    this.statusCode = status;
  }
}

export class SimControl {
  constructor(baseUrl, fetchImpl) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.fetch = fetchImpl;
  }

  async call(method, path, body) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await this.fetch(`${this.base}${path}`, init);
    const text = await response.text();
    if (response.status < 200 || response.status > 299) throw new ControlError(method, path, response.status, text);
    return text === '' ? undefined : JSON.parse(text);
  }

  mailbox(userId) {
    return `/_sim/mailboxes/${encodeURIComponent(userId)}`;
  }

  // -- ground truth --

  /// Every message of the mailbox: [{id, folder, internetMessageId, subject, isRead, deleted}].
  async messages(userId) {
    const body = await this.call('GET', `${this.mailbox(userId)}/messages`);
    return body.value ?? body;
  }

  /// Every calendarView instance inside [start, end): [{id, subject, ...}].
  async events(userId, start, end) {
    const query = `startDateTime=${start.toISOString()}&endDateTime=${end.toISOString()}`;
    const body = await this.call('GET', `${this.mailbox(userId)}/calendarView?${query}`);
    return body.value ?? body;
  }

  // -- mutations (each returns the affected id) --

  async addMessage(userId, folder, fields) {
    const body = await this.call('POST', `${this.mailbox(userId)}/messages`, { folder, ...fields });
    return body.id;
  }

  async updateMessage(userId, id, fields) {
    await this.call('PATCH', `${this.mailbox(userId)}/messages/${encodeURIComponent(id)}`, fields);
    return id;
  }

  async moveMessage(userId, id, folder) {
    await this.call('POST', `${this.mailbox(userId)}/messages/${encodeURIComponent(id)}/move`, { folder });
    return id;
  }

  async deleteMessage(userId, id) {
    await this.call('DELETE', `${this.mailbox(userId)}/messages/${encodeURIComponent(id)}`);
    return id;
  }

  /// `fields`: {subject?, start?: Date, end?: Date}.
  async addEvent(userId, fields) {
    const body = await this.call('POST', `${this.mailbox(userId)}/events`, eventBody(fields));
    return body.id;
  }

  async updateEvent(userId, id, fields) {
    await this.call('PATCH', `${this.mailbox(userId)}/events/${encodeURIComponent(id)}`, eventBody(fields));
    return id;
  }

  async deleteEvent(userId, id) {
    await this.call('DELETE', `${this.mailbox(userId)}/events/${encodeURIComponent(id)}`);
    return id;
  }
}

/// Graph's event shape for the fields the plan changes (dateTime in UTC, zone in timeZone).
function eventBody(fields) {
  const out = {};
  if (fields.subject !== undefined) out.subject = fields.subject;
  const time = (d) => ({ dateTime: d.toISOString().replace('Z', ''), timeZone: 'UTC' });
  if (fields.start !== undefined) out.start = time(fields.start);
  if (fields.end !== undefined) out.end = time(fields.end);
  return out;
}
