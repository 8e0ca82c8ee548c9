from desk_gui.models import Priority, Status, Ticket, queries
from desk_gui.models.commands import CreateTicket, SetPriority, execute
from desk_gui.models.store import Store


def test_create_and_search_on_each_backend(store: Store) -> None:
    tid = execute(
        store,
        CreateTicket(
            subject="Drucker defekt", body="Toner leer im 2. OG", from_addr="max@example.de"
        ),
    )
    execute(store, SetPriority(ticket_id=tid, priority=Priority.HIGH))
    with store.read() as s:
        t = s.get(Ticket, tid)
        assert t is not None and t.status is Status.NEW and t.priority is Priority.HIGH
        hits = queries.search(s, "Toner")
        assert [h.ticket_id for h in hits] == [tid]
        rows, _ = queries.page(s, queries.TicketFilter(text="toner"))
        assert [r.id for r in rows] == [tid]
