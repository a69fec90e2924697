"""The similarity engine. Pure: no Flask, no database.

Texts become TF-IDF vectors over character n-grams inside words (`char_wb`, 3–5 characters):
Swedish compounds ("bygglovsansökan", "ansökan om bygglov") share most of their n-grams where
whole words would not match. The n-grams are hashed (no vocabulary to keep or to grow), so a
changed document can be re-vectorised on its own and replace its row; only the inverse document
frequencies are those of the last full build. Vectors are L2-normalised, so cosine similarity
is a sparse dot product.

A short list of synonyms is folded to one spelling first (`normalise`): character n-grams do not
know that "chattbot" and "digital assistent" name the same thing.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer  # type: ignore[import-untyped]

N_FEATURES = 2**20
NGRAMS = (3, 5)
DEFAULT_THRESHOLD = 0.30

# Words and phrases that name the same thing in the municipality's initiatives, folded to one
# spelling (left: a regular expression on lower-case text; right: what it becomes).
SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"\bchat+(?:t)?(?:bot(?:ar|en|arna)?|robot(?:ar|en|arna)?)\b|\bvirtuell(?:a)? assistent(?:er|en)?\b"
     r"|\bdigital(?:a)? assistent(?:er|en)?\b", "chattbot"),
    (r"\be-tjänst(?:er|en|erna)?\b|\bdigital(?:a)? tjänst(?:er|en|erna)?\b|\bwebbformulär(?:et|en)?\b",
     "etjänst"),
    (r"\bmedborgar(?:e|na|en)?\b|\bkommuninvånar(?:e|na|en)\b|\binvånar(?:e|na|en)\b", "invånare"),
    (r"\bbrukar(?:e|na|en)\b|\bomsorgstagar(?:e|na|en)\b|\bvårdtagar(?:e|na|en)\b", "brukare"),
    (r"\bföräldrar(?:na)?\b|\bvårdnadshavar(?:e|na|en)\b", "vårdnadshavare"),
    (r"\bsakernas internet\b|\biot\b", "sensorer"),
    (r"\bartificiell intelligens\b|\bmaskininlärning\b", "ai"),
    (r"\bautomatiser(?:ad|ade|at|ing|a)\b|\brobotiser(?:ad|ade|at|ing|a)\b|\brpa\b", "automatisering"),
    (r"\be-arkiv(?:et)?\b|\bdigital(?:a|t)? arkiv(?:et)?\b|\barkivering\b", "earkiv"),
    (r"\be-signatur(?:er|en)?\b|\belektronisk(?:a)? underskrift(?:er|en)?\b|\bdigital(?:a)? signering\b",
     "esignering"),
    (r"\bdistansmonitorering\b|\bpå distans\b|\bhemmonitorering\b|\begenmonitorering\b", "distansmonitorering"),
    (r"\bwi-?fi\b|\btrådlöst nätverk\b|\btrådlöst internet\b", "wifi"),
)
# One pass over the text: every pattern a named group of one expression.
_SYNONYMS = re.compile(r"\b(?=[a-zåäö])(?:" + "|".join(
    f"(?P<s{i}>{pattern})" for i, (pattern, _t) in enumerate(SYNONYMS)) + ")")
_TARGETS = {f"s{i}": target for i, (_p, target) in enumerate(SYNONYMS)}
_SPACE = re.compile(r"\s+")

Key = str


def normalise(text: str) -> str:
    """Lower case, synonyms folded, white space collapsed."""
    text = _SYNONYMS.sub(lambda m: _TARGETS[m.lastgroup or ""], (text or "").lower())
    return _SPACE.sub(" ", text).strip()


def document_text(*parts: str | None) -> str:
    """The text a document is compared by: its parts (title, description, problem) joined."""
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _hasher() -> HashingVectorizer:
    return HashingVectorizer(analyzer="char_wb", ngram_range=NGRAMS, n_features=N_FEATURES,
                             alternate_sign=False, norm=None, lowercase=False,
                             preprocessor=normalise, dtype=np.float32)


@dataclass(frozen=True)
class Match:
    key: Key
    score: float


class SimilarityIndex:
    """Documents (a key and a text each) as unit-length TF-IDF rows."""

    def __init__(self, idf: np.ndarray, matrix: sparse.csr_matrix, keys: Sequence[Key]):
        self.idf = idf.astype(np.float32)
        self.matrix = matrix.tocsr()
        self.keys: list[Key] = list(keys)
        self._row = {key: i for i, key in enumerate(self.keys)}
        self._hasher = _hasher()
        self._by_feature: sparse.csr_matrix | None = None

    # --- building -------------------------------------------------------------------------------
    @classmethod
    def build(cls, documents: Iterable[tuple[Key, str]]) -> SimilarityIndex:
        """A full build: the inverse document frequencies from these documents."""
        docs = list(documents)
        keys = [key for key, _text in docs]
        if docs:
            counts = _hasher().transform([text for _key, text in docs])
            idf = TfidfTransformer(sublinear_tf=True, norm=None).fit(counts).idf_.astype(np.float32)
        else:
            counts = sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
            idf = np.ones(N_FEATURES, dtype=np.float32)
        index = cls(idf, sparse.csr_matrix((0, N_FEATURES), dtype=np.float32), [])
        index.matrix = index._weigh(counts)
        index.keys = keys
        index._row = {key: i for i, key in enumerate(keys)}
        return index

    def _weigh(self, counts) -> sparse.csr_matrix:
        counts = counts.tocsr().astype(np.float32)
        counts.data = (np.log(counts.data) + 1.0) * self.idf[counts.indices]   # sublinear tf × idf
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        counts.data /= np.repeat(norms, np.diff(counts.indptr)).astype(np.float32)   # unit rows
        return counts

    def vectors(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self._weigh(self._hasher.transform(list(texts)))

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, key: Key) -> bool:
        return key in self._row

    # --- changing -------------------------------------------------------------------------------
    def update(self, changed: Iterable[tuple[Key, str]] = (), removed: Iterable[Key] = ()) -> None:
        """Replace (or add) the rows of changed documents and drop removed ones, in one step."""
        changed = list(changed)
        drop = {key for key, _text in changed} | set(removed)
        if not drop:
            return
        keep = [i for i, key in enumerate(self.keys) if key not in drop]
        parts = [self.matrix[keep]]
        keys = [self.keys[i] for i in keep]
        if changed:
            parts.append(self.vectors([text for _key, text in changed]))
            keys += [key for key, _text in changed]
        self.matrix = sparse.vstack(parts, format="csr")
        self._by_feature = None
        self.keys = keys
        self._row = {key: i for i, key in enumerate(keys)}

    # --- asking ---------------------------------------------------------------------------------
    def similar(self, text: str, *, threshold: float, limit: int = 10,
                exclude: Iterable[Key] = ()) -> list[Match]:
        """The documents at least `threshold` similar to `text`, most similar first."""
        if not self.keys or not (text or "").strip():
            return []
        return self._best(self._scores(self.vectors([text])), threshold, limit, set(exclude))

    def _scores(self, vector: sparse.csr_matrix) -> np.ndarray:
        """Cosine similarity of one unit row with every document: only the n-grams the row has
        are read (rows of the transposed matrix), so a query costs what its text has, not what
        the corpus has."""
        if self._by_feature is None:
            self._by_feature = self.matrix.T.tocsr()
        columns = self._by_feature[vector.indices]
        return np.asarray(columns.T @ vector.data).ravel()

    def similar_to(self, key: Key, *, threshold: float, limit: int = 10,
                   exclude: Iterable[Key] = ()) -> list[Match]:
        """The documents similar to the indexed document `key` (itself left out)."""
        row = self._row.get(key)
        if row is None:
            return []
        return self._best(self._scores(self.matrix[row]), threshold, limit, set(exclude) | {key})

    def _best(self, scores: np.ndarray, threshold: float, limit: int, exclude: set) -> list[Match]:
        candidates = np.flatnonzero(scores >= threshold)
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        out = []
        for i in order:
            key = self.keys[i]
            if key not in exclude:
                out.append(Match(key, round(float(scores[i]), 4)))
                if len(out) >= limit:
                    break
        return out

    def pairs(self, keys: Iterable[Key], *, threshold: float, chunk: int = 512
              ) -> list[tuple[Key, Key, float]]:
        """Every pair among `keys` (each pair once) at least `threshold` similar, most similar
        first."""
        rows = sorted({self._row[k] for k in keys if k in self._row})
        if len(rows) < 2:
            return []
        sub = self.matrix[rows]
        lefts, rights, scores = [], [], []
        for start in range(0, len(rows), chunk):     # in numpy: no Python step per pair found
            block = (sub[start:start + chunk] @ sub.T).toarray()
            left, right = np.nonzero(block >= threshold)
            left_rows = left + start
            upper = left_rows < right                  # each pair once, no self-pairs
            lefts.append(left_rows[upper])
            rights.append(right[upper])
            scores.append(block[left[upper], right[upper]])
        a_all, b_all = np.concatenate(lefts), np.concatenate(rights)
        s_all = np.round(np.concatenate(scores), 4)
        order = np.argsort(-s_all, kind="stable")
        row_keys = [self.keys[r] for r in rows]
        return [(row_keys[a], row_keys[b], float(s))
                for a, b, s in zip(a_all[order].tolist(), b_all[order].tolist(), s_all[order].tolist(),
                                   strict=True)]

    def groups(self, keys: Sequence[Key], labels: Sequence[int], *, threshold: float,
               excluded: Iterable[tuple[Key, Key]] = (), chunk: int = 1024) -> list[tuple[list[Key], float]]:
        """Groups of `keys` joined by pairs at least `threshold` similar whose labels differ
        (`labels[i]` belongs to `keys[i]`: e.g. the committee), the `excluded` pairs left out; a
        group is everything such pairs connect. Each group (its keys in index order) with its
        highest pair score, the most similar group first.

        Documents with the same vector and the same label are one node (they join exactly the
        same others), so a hundred copies of one text cost what one does; a document in an
        excluded pair is a node of its own. Nodes are compared in sparse blocks and joined with
        scipy's connected components: no Python step per pair."""
        label_of = dict(zip(keys, labels, strict=True))
        rows = sorted({self._row[k] for k in keys if k in self._row})
        if len(rows) < 2:
            return []
        row_keys = [self.keys[r] for r in rows]
        excluded = list(excluded)
        alone = {k for pair in excluded for k in pair}
        m = self.matrix
        node_of: dict[tuple, int] = {}
        node_row: list[int] = []
        node_label: list[int] = []
        row_node = np.empty(len(rows), dtype=np.int64)
        for position, (row, key) in enumerate(zip(rows, row_keys, strict=True)):
            start, end = m.indptr[row], m.indptr[row + 1]
            vector = (("key", key) if key in alone
                      else (m.indices[start:end].tobytes(), m.data[start:end].tobytes()))
            node = node_of.setdefault((vector, label_of[key]), len(node_row))
            if node == len(node_row):
                node_row.append(row)
                node_label.append(label_of[key])
            row_node[position] = node
        n = len(node_row)
        label = np.array(node_label, dtype=np.int64)
        first_position = {k: p for p, k in enumerate(row_keys)}
        skip = np.array(sorted({min(na, nb) * n + max(na, nb) for a, b in excluded
                                if a in first_position and b in first_position
                                for na, nb in [(row_node[first_position[a]], row_node[first_position[b]])]}),
                        dtype=np.int64)
        sub = m[node_row]
        lefts, rights, scores = [], [], []
        for start in range(0, n, chunk):
            block = (sub[start:start + chunk] @ sub.T).tocoo()
            left, right, score = block.row.astype(np.int64) + start, block.col.astype(np.int64), block.data
            keep = (score >= threshold) & (left < right) & (label[left] != label[right])
            if skip.size:
                keep &= ~np.isin(left * n + right, skip)
            lefts.append(left[keep])
            rights.append(right[keep])
            scores.append(score[keep])
        a_all, b_all = np.concatenate(lefts), np.concatenate(rights)
        if not a_all.size:
            return []
        s_all = np.minimum(np.round(np.concatenate(scores), 4), 1.0)
        graph = sparse.coo_matrix((np.ones(a_all.size), (a_all, b_all)), shape=(n, n))
        _count, component = connected_components(graph, directed=False)
        best = np.full(n, -1.0)
        np.maximum.at(best, component[a_all], s_all)
        linked = np.zeros(n, dtype=bool)
        linked[a_all] = linked[b_all] = True
        members: dict[int, list[Key]] = {}
        for position in np.flatnonzero(linked[row_node]).tolist():
            members.setdefault(int(component[row_node[position]]), []).append(row_keys[position])
        ordered = sorted(members, key=lambda c: (-best[c], first_position[members[c][0]]))
        return [(members[c], float(best[c])) for c in ordered]

    # --- storing --------------------------------------------------------------------------------
    def save(self, path: Path, keys_as: Sequence[str], meta: dict[str, str] | None = None) -> None:
        """Write the index to one .npz file (no pickle: the file store is shared). `keys_as`:
        the keys as strings, in `self.keys` order; `meta`: strings kept with it. Written to a
        temporary name and renamed, so a reader never sees half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        m = self.matrix
        meta = meta or {}
        with open(tmp, "wb") as handle:
            np.savez(handle, idf=self.idf, data=m.data, indices=m.indices, indptr=m.indptr,
                     shape=np.array(m.shape), keys=np.array(list(keys_as), dtype=str),
                     meta_keys=np.array(list(meta), dtype=str),
                     meta_values=np.array(list(meta.values()), dtype=str))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, parse_key) -> tuple[SimilarityIndex, dict[str, str]]:
        with np.load(path, allow_pickle=False) as f:
            matrix = sparse.csr_matrix((f["data"], f["indices"], f["indptr"]), shape=tuple(f["shape"]))
            keys = [parse_key(str(k)) for k in f["keys"]]
            meta = {str(k): str(v) for k, v in zip(f["meta_keys"], f["meta_values"], strict=True)}
            return cls(f["idf"], matrix, keys), meta


def precision_recall(scores: Sequence[float], labels: Sequence[bool], threshold: float
                     ) -> tuple[float, float]:
    """Precision and recall of "similar when score ≥ threshold" against the labels."""
    predicted = [s >= threshold for s in scores]
    tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y)
    fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
    fn = sum(1 for p, y in zip(predicted, labels, strict=True) if not p and y)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall
