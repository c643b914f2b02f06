#include "hub/identity_linking.h"

#include <sodium.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>
#include <unordered_set>

#include "sync/normalize.h"

namespace outpost::hub {
namespace {

struct UnionFind {
  std::vector<int> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int Find(int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }
  // The smaller index becomes the root: the result does not depend on order.
  void Union(int a, int b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return;
    if (b < a) std::swap(a, b);
    parent[b] = a;
  }
};

// The positions of `items` in the order of their ids.
template <typename T, typename Key>
std::vector<int> OrderBy(const std::vector<T>& items, Key key) {
  std::vector<int> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  auto less = [&](int a, int b) { return key(items[a]) < key(items[b]); };
  if (!std::is_sorted(order.begin(), order.end(), less)) {
    std::sort(order.begin(), order.end(), less);
  }
  return order;
}

struct Rec {
  std::string id, site, name_key;
};

// The records in id order and every key -> the records holding it. The map
// is filled in record order then vehicle order: its visiting order (and so
// which key a pair sharing two is proposed under) is the same on every run.
struct Keyed {
  std::vector<Rec> recs;
  std::unordered_map<std::string, int> index;                // record id -> position
  std::unordered_map<std::string, std::vector<int>> groups;  // key -> records, sorted, unique
};

Keyed KeyRecords(const LinkInput& input) {
  Keyed k;
  for (int i :
       OrderBy(input.records, [](const LinkRecord& r) -> const std::string& { return r.id; })) {
    const LinkRecord& r = input.records[i];
    const int at = static_cast<int>(k.recs.size());
    k.recs.push_back({r.id, r.site, SearchKey(r.name)});
    k.index.emplace(r.id, at);
    if (r.member_id && !r.member_id->empty()) k.groups["member:" + *r.member_id].push_back(at);
    for (const auto& p : r.phones) k.groups["phone:" + p].push_back(at);
  }
  for (int i :
       OrderBy(input.vehicles, [](const LinkVehicle& v) -> const std::string& { return v.id; })) {
    const LinkVehicle& v = input.vehicles[i];
    auto it = k.index.find(v.customer_id);
    if (it == k.index.end()) continue;
    if (v.plate && !v.plate->empty()) k.groups["plate:" + *v.plate].push_back(it->second);
    if (v.vin && !v.vin->empty()) k.groups["vin:" + *v.vin].push_back(it->second);
  }
  for (auto& [key, members] : k.groups) {
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
  }
  return k;
}

// A person's rules in the order made: the records kept out of automatic
// links (split) and the pairs linked whatever the evidence (merges).
struct Rules {
  std::unordered_set<int> split;
  std::vector<std::pair<int, int>> merges;
};

Rules ReadRules(const LinkInput& input, const Keyed& k) {
  Rules out;
  for (int i : OrderBy(input.rules, [](const IdentityRule& r) { return r.id; })) {
    const IdentityRule& rule = input.rules[i];
    auto a = k.index.find(rule.record_a);
    if (a == k.index.end()) continue;
    if (rule.kind == "split") {
      out.split.insert(a->second);
      // An unmerge undoes earlier merges of that record.
      std::erase_if(out.merges,
                    [&](const auto& m) { return m.first == a->second || m.second == a->second; });
    } else if (auto b = k.index.find(rule.record_b.value_or("")); b != k.index.end()) {
      out.merges.emplace_back(a->second, b->second);
      out.split.erase(a->second);
      out.split.erase(b->second);
    }
  }
  return out;
}

// Links by evidence; returns the candidate pairs (a, b, key) of weak keys.
std::vector<std::tuple<int, int, const std::string*>> LinkByEvidence(const Keyed& k,
                                                                     const Rules& rules,
                                                                     UnionFind& uf) {
  std::vector<std::tuple<int, int, const std::string*>> candidates;
  for (const auto& [key, members] : k.groups) {
    if (members.size() < 2) continue;
    const bool strong = key.starts_with("member:") || key.starts_with("vin:");
    if (strong) {
      int first = -1;
      for (int m : members) {
        if (rules.split.count(m)) continue;
        if (first < 0) {
          first = m;
        } else {
          uf.Union(first, m);
        }
      }
      continue;
    }
    if (members.size() > kMaxWeakGroup) continue;
    // Weak: link records whose names agree (or are blank); others are candidates.
    std::map<std::string, std::vector<int>> by_name;
    std::vector<int> blank;
    for (int m : members) {
      if (rules.split.count(m)) continue;
      (k.recs[m].name_key.empty() ? blank : by_name[k.recs[m].name_key]).push_back(m);
    }
    std::vector<int> heads;
    for (auto& [name, same] : by_name) {
      for (size_t i = 1; i < same.size(); ++i) uf.Union(same[0], same[i]);
      heads.push_back(same[0]);
    }
    if (!blank.empty()) {
      for (size_t i = 1; i < blank.size(); ++i) uf.Union(blank[0], blank[i]);
      if (heads.size() == 1) uf.Union(heads[0], blank[0]);  // one named person: the blank is them
      if (heads.empty()) heads.push_back(blank[0]);
    }
    size_t proposed = 0;
    for (size_t x = 0; x < heads.size() && proposed < kMaxCandidatesPerKey; ++x) {
      for (size_t y = x + 1; y < heads.size() && proposed < kMaxCandidatesPerKey; ++y) {
        candidates.emplace_back(heads[x], heads[y], &key);
        ++proposed;
      }
    }
  }
  for (const auto& [a, b] : rules.merges) uf.Union(a, b);
  return candidates;
}

// Gives each cluster its unified id: the oldest id founded by one of its
// records (the others redirect to it), or a new one for its smallest record.
void ChooseIds(const LinkInput& input, const Keyed& k, UnionFind& uf, LinkPlan& plan) {
  std::unordered_map<std::string, UnifiedRow> known;        // unified id -> row
  std::unordered_map<std::string, std::string> founder_of;  // founder record -> unified id
  for (const auto& row : input.unified) {
    known[row.unified_id] = row;
    founder_of[row.founder_record] = row.unified_id;
  }
  std::vector<std::vector<int>> clusters_of(k.recs.size());
  for (size_t i = 0; i < k.recs.size(); ++i) {
    clusters_of[uf.Find(static_cast<int>(i))].push_back(static_cast<int>(i));
  }
  for (const auto& members : clusters_of) {
    if (members.empty()) continue;
    ++plan.unified;
    std::set<std::string> sites;
    // The ids whose founder is in this cluster: the oldest is kept.
    std::vector<std::string> owned;
    for (int m : members) {
      sites.insert(k.recs[m].site);
      if (auto f = founder_of.find(k.recs[m].id); f != founder_of.end()) {
        owned.push_back(f->second);
      }
    }
    if (sites.size() > 1) ++plan.across_stores;
    std::string chosen;
    if (!owned.empty()) {
      std::sort(owned.begin(), owned.end(), [&](const std::string& a, const std::string& b) {
        const auto& ka = known[a];
        const auto& kb = known[b];
        return ka.created_at != kb.created_at ? ka.created_at < kb.created_at : a < b;
      });
      chosen = owned.front();
      for (const auto& id : owned) {
        const std::optional<std::string> target =
            id == chosen ? std::nullopt : std::optional<std::string>(chosen);
        if (known[id].merged_into == target) continue;
        plan.redirects.emplace_back(id, target);
        plan.dirty.insert(id);
        plan.dirty.insert(chosen);
        known[id].merged_into = target;
      }
    } else {
      const std::string& founder = k.recs[members.front()].id;  // smallest id: order-free
      chosen = MintUnifiedId(founder);
      while (known.count(chosen)) chosen = MintUnifiedId(chosen.append(founder));
      UnifiedRow row{chosen, founder, input.now, std::nullopt};
      known[chosen] = row;
      founder_of[founder] = chosen;
      plan.minted.push_back(std::move(row));
    }
    for (int m : members) {
      auto it = input.links.find(k.recs[m].id);
      if (it != input.links.end() && it->second == chosen) continue;
      if (it != input.links.end()) plan.dirty.insert(it->second);
      plan.dirty.insert(chosen);
      plan.links.push_back({k.recs[m].id, k.recs[m].site, chosen});
    }
  }
}

}  // namespace

std::string MintUnifiedId(const std::string& founder) {
  unsigned char h[8];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(founder.data()),
                     founder.size(), reinterpret_cast<const unsigned char*>("outpost-unified"), 15);
  char hex[sizeof h * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return std::string("U") + hex;
}

LinkPlan LinkRecords(const LinkInput& input) {
  LinkPlan plan;
  const Keyed k = KeyRecords(input);
  const Rules rules = ReadRules(input, k);
  UnionFind uf(k.recs.size());
  const auto candidates = LinkByEvidence(k, rules, uf);
  ChooseIds(input, k, uf, plan);

  // Candidates still apart after every link, unless a person kept them apart.
  for (const auto& [a, b, key] : candidates) {
    if (uf.Find(a) == uf.Find(b)) continue;
    const std::string& ia = k.recs[a].id;
    const std::string& ib = k.recs[b].id;
    if (input.kept_apart.count({std::min(ia, ib), std::max(ia, ib)})) continue;
    const size_t colon = key->find(':');
    plan.candidates.push_back({ia, ib, key->substr(0, colon), key->substr(colon + 1)});
  }
  // The key index, sorted by key: written in order, page by page.
  std::vector<std::pair<const std::string*, int>> rows;
  for (const auto& [key, members] : k.groups) {
    for (int m : members) rows.emplace_back(&key, m);
  }
  std::sort(rows.begin(), rows.end(), [&](const auto& x, const auto& y) {
    return *x.first != *y.first ? *x.first < *y.first : k.recs[x.second].id < k.recs[y.second].id;
  });
  plan.keys.reserve(rows.size());
  for (const auto& [key, m] : rows) plan.keys.emplace_back(*key, k.recs[m].id);
  return plan;
}

}  // namespace outpost::hub
