// The layer tree, its checks, presets, patterns and parameter counts (see layer_selection_model.h).
#include "models/layer_selection_model.h"

#include <QLocale>

#include <map>
#include <regex>
#include <set>

namespace dora::ui {

// One tree node per name prefix; a node that is a module also points at it. Counts are kept per
// subtree so that painting a tri-state box never walks the tree.
struct LayerSelectionModel::Node {
    QString segment;            // last part of the name: "c_attn", "0", "h"
    QString fullName;           // "transformer.h.0.attn.c_attn"
    Node* parent = nullptr;
    int row = 0;
    int module = -1;            // index into ModelInfo::modules, or -1 for a name prefix only
    std::vector<std::unique_ptr<Node>> children;
    int linearTotal = 0;        // linear modules in this subtree (itself included)
    int linearChecked = 0;
    long long parameters = 0;   // sum over the subtree, for the parameters column
};

namespace {

bool isLinear(const dora::ModuleInfo& m) { return m.kind == "linear"; }

QStringList segmentsOf(const std::string& name) { return QString::fromStdString(name).split(u'.'); }

// Escapes what ECMAScript regexes treat specially; module names are otherwise [A-Za-z0-9_].
QString regexEscape(const QString& text)
{
    static const QString special = QStringLiteral("\\^$.|?*+()[]{}/");
    QString out;
    for (QChar c : text) {
        if (special.contains(c))
            out += u'\\';
        out += c;
    }
    return out;
}

bool allDigits(const QString& s)
{
    if (s.isEmpty())
        return false;
    for (QChar c : s)
        if (!c.isDigit() || c.unicode() > '9')
            return false;
    return true;
}

// The pattern that matches this name in every block: numeric segments become \d+. Two names share it
// exactly when they differ only in numeric segments, because \d+ cannot match a dot or a letter.
QString blockPatternOf(const QString& name)
{
    QStringList parts = name.split(u'.');
    for (QString& p : parts)
        p = allDigits(p) ? QStringLiteral("\\d+") : regexEscape(p);
    return parts.join(QStringLiteral("\\."));
}

QString kindLabel(const std::string& kind)
{
    if (kind == "linear") return LayerSelectionModel::tr("Linear");
    if (kind == "embedding") return LayerSelectionModel::tr("Embedding");
    if (kind == "layernorm") return LayerSelectionModel::tr("LayerNorm");
    if (kind == "rmsnorm") return LayerSelectionModel::tr("RMSNorm");
    return QString::fromStdString(kind);
}

// Whether any segment before the last names an attention or MLP block ("attn", "self_attn", "mlp").
bool underSegment(const QStringList& parts, std::initializer_list<const char*> blocks)
{
    for (int i = 0; i + 1 < parts.size(); ++i)
        for (const char* b : blocks)
            if (parts[i] == QLatin1String(b))
                return true;
    return false;
}

bool presetWants(LayerSelectionModel::Preset preset, const dora::ModuleInfo& m)
{
    using P = LayerSelectionModel::Preset;
    const QStringList parts = segmentsOf(m.name);
    const QString& last = parts.last();
    const bool lmHead = last == QLatin1String("lm_head");
    const bool attention = underSegment(parts, {"attn", "self_attn", "attention", "self_attention"}) ||
                           last == QLatin1String("q_proj") || last == QLatin1String("k_proj") ||
                           last == QLatin1String("v_proj") || last == QLatin1String("o_proj") ||
                           last == QLatin1String("c_attn");
    switch (preset) {
    case P::AttentionQueryValue:
        // GPT-2 fuses q, k and v in c_attn: adapting q and v there means adapting c_attn.
        return last == QLatin1String("q_proj") || last == QLatin1String("v_proj") ||
               last == QLatin1String("c_attn");
    case P::AllAttention:
        return attention;
    case P::AllLinear:
        return !lmHead;
    case P::MlpOnly:
        return !attention && (underSegment(parts, {"mlp", "feed_forward", "ffn"}) ||
                              last == QLatin1String("gate_proj") || last == QLatin1String("up_proj") ||
                              last == QLatin1String("down_proj") || last == QLatin1String("c_fc"));
    case P::None:
        return false;
    }
    return false;
}

}  // namespace

LayerSelectionModel::LayerSelectionModel(QObject* parent)
    : QAbstractItemModel(parent), m_root(std::make_unique<Node>())
{
}

LayerSelectionModel::~LayerSelectionModel() = default;

void LayerSelectionModel::setModelInfo(const dora::ModelInfo& info)
{
    beginResetModel();
    m_info = info;
    m_root = std::make_unique<Node>();
    m_leafOfModule.assign(m_info.modules.size(), nullptr);
    m_checked.assign(m_info.modules.size(), 0);
    for (size_t i = 0; i < m_info.modules.size(); ++i) {
        Node* node = m_root.get();
        for (const QString& part : segmentsOf(m_info.modules[i].name)) {
            Node* next = nullptr;
            for (const auto& child : node->children)
                if (child->segment == part) {
                    next = child.get();
                    break;
                }
            if (!next) {
                auto child = std::make_unique<Node>();
                child->segment = part;
                child->fullName = node == m_root.get() ? part : node->fullName + u'.' + part;
                child->parent = node;
                child->row = int(node->children.size());
                next = child.get();
                node->children.push_back(std::move(child));
            }
            node = next;
        }
        node->module = int(i);
        m_leafOfModule[i] = node;
    }
    recount();
    endResetModel();
    Q_EMIT selectionChanged();
}

void LayerSelectionModel::recount()
{
    // Post-order walk, recursive: trees are a handful of levels deep.
    auto walk = [&](auto&& self, Node* node) -> void {
        node->linearTotal = node->linearChecked = 0;
        node->parameters = 0;
        if (node->module >= 0) {
            const auto& m = m_info.modules[size_t(node->module)];
            node->parameters = m.parameters;
            if (isLinear(m)) {
                node->linearTotal = 1;
                node->linearChecked = m_checked[size_t(node->module)] ? 1 : 0;
            }
        }
        for (const auto& child : node->children) {
            self(self, child.get());
            node->linearTotal += child->linearTotal;
            node->linearChecked += child->linearChecked;
            node->parameters += child->parameters;
        }
    };
    walk(walk, m_root.get());
}

void LayerSelectionModel::emitChangedBelow(const Node* node)
{
    // Only the check column changes; one range per parent keeps the signal count to the inner nodes.
    if (node->children.empty())
        return;
    const QModelIndex parent = node == m_root.get() ? QModelIndex() : indexOf(node, 0);
    Q_EMIT dataChanged(index(0, NameColumn, parent), index(int(node->children.size()) - 1, NameColumn, parent),
                       {Qt::CheckStateRole});
    for (const auto& child : node->children)
        emitChangedBelow(child.get());
}

template <typename Want> void LayerSelectionModel::setChecks(Want want)
{
    bool changed = false;
    for (size_t i = 0; i < m_info.modules.size(); ++i) {
        if (!isLinear(m_info.modules[i]))
            continue;
        const char on = want(i) ? 1 : 0;
        changed |= on != m_checked[i];
        m_checked[i] = on;
    }
    if (!changed)
        return;
    recount();
    emitChangedBelow(m_root.get());
    Q_EMIT selectionChanged();
}

void LayerSelectionModel::applyPreset(Preset preset)
{
    setChecks([&](size_t i) { return presetWants(preset, m_info.modules[i]); });
}

QStringList LayerSelectionModel::presetLayers(Preset preset) const
{
    QStringList out;
    for (const auto& m : m_info.modules)
        if (isLinear(m) && presetWants(preset, m))
            out << QString::fromStdString(m.name);
    return out;
}

bool LayerSelectionModel::applyPattern(const QString& regex, QString* error)
{
    std::regex re;
    try {
        re = std::regex(regex.toStdString(), std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        if (error)
            *error = tr("Not a valid pattern: %1").arg(QString::fromLocal8Bit(e.what()));
        return false;
    }
    setChecks([&](size_t i) { return std::regex_match(m_info.modules[i].name, re); });
    return true;
}

void LayerSelectionModel::setCheckedLayers(const QStringList& names)
{
    const std::set<QString> wanted(names.begin(), names.end());
    setChecks([&](size_t i) { return wanted.count(QString::fromStdString(m_info.modules[i].name)) > 0; });
}

QStringList LayerSelectionModel::checkedLayers() const
{
    QStringList out;
    for (size_t i = 0; i < m_info.modules.size(); ++i)
        if (m_checked[i])
            out << QString::fromStdString(m_info.modules[i].name);
    return out;
}

QStringList LayerSelectionModel::linearLayers() const
{
    QStringList out;
    for (const auto& m : m_info.modules)
        if (isLinear(m))
            out << QString::fromStdString(m.name);
    return out;
}

QStringList LayerSelectionModel::targetPatterns() const
{
    // Group the linear layers by their every-block pattern; a group that is wholly checked becomes one
    // pattern, a partly checked one lists its checked names exactly.
    struct Group {
        int total = 0;
        QStringList checked;
    };
    std::map<QString, Group> groups;
    QStringList order;  // groups in model order, so the list reads like the model
    for (size_t i = 0; i < m_info.modules.size(); ++i) {
        if (!isLinear(m_info.modules[i]))
            continue;
        const QString name = QString::fromStdString(m_info.modules[i].name);
        const QString key = blockPatternOf(name);
        auto [it, inserted] = groups.try_emplace(key);
        if (inserted)
            order << key;
        ++it->second.total;
        if (m_checked[i])
            it->second.checked << name;
    }
    QStringList out;
    for (const QString& key : order) {
        const Group& g = groups[key];
        if (g.checked.isEmpty())
            continue;
        if (g.checked.size() == g.total && g.total > 1) {
            out << key;
        } else {
            for (const QString& name : g.checked)
                out << regexEscape(name);
        }
    }
    return out;
}

long long LayerSelectionModel::trainableParameters(const QString& method, int rank) const
{
    long long sum = 0;
    for (size_t i = 0; i < m_info.modules.size(); ++i) {
        if (!m_checked[i])
            continue;
        const auto& m = m_info.modules[i];
        if (method == QLatin1String("full")) {
            sum += m.parameters;
            continue;
        }
        if (m.shape.size() != 2)
            continue;  // a linear weight is (out, in); anything else cannot carry an adapter
        const long long out = m.shape[0], in = m.shape[1];
        sum += (long long)rank * (in + out);
        if (method == QLatin1String("dora"))
            sum += out;  // the magnitude vector, one per output row
    }
    return sum;
}

long long LayerSelectionModel::totalParameters() const
{
    if (m_info.parameters > 0)
        return m_info.parameters;
    long long sum = 0;
    for (const auto& m : m_info.modules)
        sum += m.parameters;
    return sum;
}

// ---- QAbstractItemModel ----

LayerSelectionModel::Node* LayerSelectionModel::nodeOf(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

QModelIndex LayerSelectionModel::indexOf(const Node* node, int column) const
{
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row, column, const_cast<Node*>(node));
}

QModelIndex LayerSelectionModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || (parent.isValid() && parent.column() != 0))
        return {};
    const Node* p = nodeOf(parent);
    if (row < 0 || row >= int(p->children.size()))
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex LayerSelectionModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    return indexOf(nodeOf(child)->parent, 0);
}

int LayerSelectionModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int LayerSelectionModel::columnCount(const QModelIndex&) const { return ColumnCount; }

QVariant LayerSelectionModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const Node* node = nodeOf(index);
    const dora::ModuleInfo* m = node->module >= 0 ? &m_info.modules[size_t(node->module)] : nullptr;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return node->segment;
        case KindColumn: return m ? kindLabel(m->kind) : QString();
        case ShapeColumn: {
            if (!m)
                return QString();
            QStringList dims;
            for (long long d : m->shape)
                dims << QLocale().toString(d);
            return dims.join(QStringLiteral(" \u00d7 "));
        }
        case ParametersColumn: return QLocale().toString(node->parameters);
        }
        return {};
    case Qt::UserRole:  // sort key
        if (index.column() == ParametersColumn)
            return node->parameters;
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        return index.column() == NameColumn ? node->fullName : QVariant();
    case Qt::TextAlignmentRole:
        if (index.column() == ParametersColumn || index.column() == ShapeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::CheckStateRole:
        if (index.column() != NameColumn || node->linearTotal == 0)
            return {};
        if (node->linearChecked == 0)
            return Qt::Unchecked;
        return node->linearChecked == node->linearTotal ? Qt::Checked : Qt::PartiallyChecked;
    }
    return {};
}

bool LayerSelectionModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::CheckStateRole || !index.isValid() || index.column() != NameColumn)
        return false;
    const Node* node = nodeOf(index);
    if (node->linearTotal == 0)
        return false;
    // A partial state set from outside means "check": the view only ever asks for on or off.
    const bool on = value.value<Qt::CheckState>() != Qt::Unchecked;
    const QString prefix = node->fullName + u'.';
    setChecks([&](size_t i) {
        const QString name = QString::fromStdString(m_info.modules[i].name);
        const bool inside = name == node->fullName || name.startsWith(prefix);
        return inside ? on : m_checked[i] != 0;
    });
    return true;
}

Qt::ItemFlags LayerSelectionModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.column() == NameColumn && nodeOf(index)->linearTotal > 0)
        f |= Qt::ItemIsUserCheckable;
    if (nodeOf(index)->children.empty())
        f |= Qt::ItemNeverHasChildren;
    return f;
}

QVariant LayerSelectionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Layer");
    case KindColumn: return tr("Kind");
    case ShapeColumn: return tr("Shape");
    case ParametersColumn: return tr("Parameters");
    }
    return {};
}

}  // namespace dora::ui
