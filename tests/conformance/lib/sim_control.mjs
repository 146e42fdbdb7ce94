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
    return `/_sim/mailboxes/${pathSegment(userId)}`;
  }

  // -- ground truth --

  /// GET /_sim/mailboxes/{user}/truth: {messages:[{id, immutable_id, internet_message_id,
  /// folder, subject, is_read}], events:[{id, type, subject, start, end, …}]} (live items only;
  /// events are singles and series masters, not the instances of a window).
  async truth(userId) {
    const body = await this.call('GET', `${this.mailbox(userId)}/truth`);
    if (!Array.isArray(body.messages) || !Array.isArray(body.events)) {
      throw new Error(`GET ${this.mailbox(userId)}/truth: no messages/events arrays`);
    }
    return body;
  }

  // -- sync state and faults --

  /// Makes every outstanding delta link of the mailbox answer 410 syncStateNotFound.
  async invalidate(userId) {
    return this.call('POST', `${this.mailbox(userId)}/invalidate`, {});
  }

  /// Replaces the fault profile (schema: sim/fault_profile.hpp); `{}` switches faults off.
  async setFaults(profile) {
    return this.call('PUT', '/_sim/faults', profile);
  }

  // -- mutations (each returns the affected id) --

  /// `fields`: {subject}. Returns {id, immutable_id, internet_message_id, folder}.
  async addMessage(userId, folder, fields) {
    return this.call('POST', `${this.mailbox(userId)}/messages`, { folder, subject: fields.subject });
  }

  /// `fields`: {subject?, isRead?}.
  async updateMessage(userId, id, fields) {
    const body = {};
    if (fields.subject !== undefined) body.subject = fields.subject;
    if (fields.isRead !== undefined) body.is_read = fields.isRead;
    await this.call('PATCH', `${this.mailbox(userId)}/messages/${pathSegment(id)}`, body);
    return id;
  }

  async moveMessage(userId, id, folder) {
    await this.call('POST', `${this.mailbox(userId)}/messages/${pathSegment(id)}/move`, { folder });
    return id;
  }

  async deleteMessage(userId, id) {
    await this.call('DELETE', `${this.mailbox(userId)}/messages/${pathSegment(id)}`);
    return id;
  }

  /// `fields`: {subject?, start?: Date, end?: Date}.
  async addEvent(userId, fields) {
    const body = await this.call('POST', `${this.mailbox(userId)}/events`, eventBody(fields));
    return body.id;
  }

  async updateEvent(userId, id, fields) {
    await this.call('PATCH', `${this.mailbox(userId)}/events/${pathSegment(id)}`, eventBody(fields));
    return id;
  }

  async deleteEvent(userId, id) {
    await this.call('DELETE', `${this.mailbox(userId)}/events/${pathSegment(id)}`);
    return id;
  }
}

/// A path segment as Graph clients send ids: base64url ids (letters, digits, - _ and = padding)
/// and UPNs go as they are, anything else is percent-encoded.
function pathSegment(text) {
  return text.replace(/[^A-Za-z0-9\-_.=@]/g, (c) => encodeURIComponent(c));
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
