// Ownership: one per (user, collection), owned by the scenario; single-threaded.
// One collection of one user under test (a mail folder's messages or the calendarView): the
// client's view of it and the ground truth it is compared with before and after the changes.

export class Collection {
  constructor({ name, label, kind, folder, url, view, idKey }) {
    this.name = name;   // "inbox" … or "calendarView"
    this.label = label; // "contoso/adele.vance@contoso.com/inbox"
    this.kind = kind;   // 'messages' | 'events'
    this.folder = folder;
    this.url = url;
    this.view = view;
    this.idKey = idKey; // which truth field is the id the client sees
    this.truthBefore = new Map();
    this.truthAfter = new Map();
    this.touched = new Set(); // ids whose content the mutations changed
    this.folderId = undefined; // messages: the folder's id from GET mailFolders/{name}
  }

  /// Ids in the view that the truth describes one to one (for the calendar: single events;
  /// the truth lists series masters, not their instances).
  comparableIds() {
    if (this.kind === 'messages') return this.view.ids();
    return new Set([...this.view.items].filter(([, e]) => e.type === 'singleInstance').map(([id]) => id));
  }
}
