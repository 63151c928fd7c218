"""What decide_many learns per engine: states of table groups, moves per stage, plans.

Tables that read each other's outputs (inputs or expression refs) form a group; groups are
independent, so each keeps its own, small, space of states (a state is what the group's tables
decided so far). A stage is a table with raw inputs followed by tables of the same group that
read only earlier outputs: it moves an order from (state, cells of the raw inputs) to the next
state and the stage's trace entries with one lookup.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from noki.domain.decision import TraceEntry
from noki.rules.model import Table
from noki.rules.plan import Plan, State, Step

if TYPE_CHECKING:
    from noki.rules.engine import _Effect

Move = tuple[int, tuple[TraceEntry, ...]]  # the state after a stage, and its trace entries


def table_groups(tables: tuple[Table, ...]) -> list[int]:
    """For each table, the index of its group (tables linked by reading an output)."""
    group = list(range(len(tables)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i, t in enumerate(tables):
        for j, u in enumerate(tables):
            if i != j and (t.reads | set(t.inputs)) & set(u.outputs):
                group[root(i)] = root(j)
    roots = [root(i) for i in range(len(tables))]
    numbers = {r: n for n, r in enumerate(dict.fromkeys(roots))}
    return [numbers[r] for r in roots]


class Space:
    """The states one group of tables can be in, each kept once."""

    def __init__(self) -> None:
        self.states: list[State] = []
        self.ids: dict[Hashable, int] = {}  # state key -> state id
        self.children: dict[tuple[int, _Effect], int] = {}
        self.add(State())

    def add(self, state: State) -> int:
        """The id of an equal known state, else of this one (now known)."""
        try:
            known = self.ids.get(state.key)
        except TypeError:  # an unhashable literal output: this state stays on its own
            state.key, known = object(), None
        if known is not None:
            return known
        sid = self.ids[state.key] = len(self.states)
        self.states.append(state)
        return sid

    def child(self, state: int, effect: _Effect, steps: dict[Hashable, Step]) -> int:
        """The state after a table had this effect."""
        child = self.children.get((state, effect))
        if child is None:
            child = self.add(self.states[state].after(effect, steps))
            self.children[state, effect] = child
        return child


class Learned:
    """Everything decide_many learned for one engine (replaced whole when it grows too big)."""

    def __init__(self, tables: int, stages: int, groups: int):
        self.spaces = [Space() for _ in range(groups)]
        self.steps: dict[Hashable, Step] = {}
        self.effects: list[dict[Hashable, _Effect]] = [{} for _ in range(tables)]
        self.moves: list[dict[Hashable, Move]] = [{} for _ in range(stages)]
        self.plans: dict[Hashable, Plan] = {}  # final state of every group -> plan

    def size(self) -> int:
        """How many states and moves are kept."""
        return sum(len(s.states) for s in self.spaces) + sum(map(len, self.moves))
