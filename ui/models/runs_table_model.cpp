// The runs table model (see runs_table_model.h).
#include "models/runs_table_model.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include <cmath>
#include <limits>
#include <unordered_map>

namespace dora::ui {

namespace {

// A built-in name stays as is; a folder shows its last part (the full path is in the tooltip).
QString modelLabel(const std::string& model)
{
    const QString m = QString::fromStdString(model);
    if (!m.contains(u'/') && !m.contains(u'\\'))
        return m;
    const QString name = QFileInfo(QDir::cleanPath(m)).fileName();
    return name.isEmpty() ? m : name;
}

QDateTime createdAt(const dora::RunRecord& r)
{
    QDateTime t = QDateTime::fromString(QString::fromStdString(r.created_at), Qt::ISODate);
    if (t.isValid() && t.timeSpec() != Qt::UTC && t.timeSpec() != Qt::OffsetFromUTC)
        t.setTimeSpec(Qt::UTC);  // the store writes UTC; a missing 'Z' must not read as local time
    return t;
}

bool sameRow(const dora::RunRecord& a, const dora::RunRecord& b)
{
    auto sameLoss = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
    return a.name == b.name && a.method == b.method && a.model == b.model && a.status == b.status &&
           a.message == b.message && a.created_at == b.created_at && a.total_steps == b.total_steps &&
           a.steps_done == b.steps_done && sameLoss(a.final_eval_loss, b.final_eval_loss);
}

}  // namespace

QString run_method_label(const std::string& method)
{
    if (method == "lora") return RunsTableModel::tr("LoRA");
    if (method == "dora") return RunsTableModel::tr("DoRA");
    if (method == "full") return RunsTableModel::tr("Full");
    return QString::fromStdString(method);
}

QString run_status_label(const std::string& status)
{
    if (status == "running") return RunsTableModel::tr("Running");
    if (status == "finished") return RunsTableModel::tr("Finished");
    if (status == "failed") return RunsTableModel::tr("Failed");
    if (status == "stopped") return RunsTableModel::tr("Stopped");
    if (status == "interrupted") return RunsTableModel::tr("Interrupted");
    return QString::fromStdString(status);
}

RunsTableModel::RunsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsTableModel::setRuns(std::vector<dora::RunRecord> runs)
{
    bool sameOrder = runs.size() == m_runs.size();
    for (size_t i = 0; sameOrder && i < runs.size(); ++i)
        sameOrder = runs[i].id == m_runs[i].id;
    if (sameOrder) {
        // The common live refresh: a running row's steps and status move on.
        for (size_t i = 0; i < runs.size(); ++i) {
            const bool changed = !sameRow(runs[i], m_runs[i]);
            m_runs[i] = std::move(runs[i]);
            if (changed)
                Q_EMIT dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
        }
        return;
    }

    std::unordered_map<long long, int> newRow;
    for (size_t i = 0; i < runs.size(); ++i)
        newRow.emplace(runs[i].id, int(i));
    bool sameSet = newRow.size() == runs.size() && runs.size() == m_runs.size();
    for (size_t i = 0; sameSet && i < m_runs.size(); ++i)
        sameSet = newRow.count(m_runs[i].id) > 0;
    if (!sameSet) {
        beginResetModel();
        m_runs = std::move(runs);
        endResetModel();
        return;
    }

    // Same runs in another order: move the persistent indexes so selections follow their runs.
    Q_EMIT layoutAboutToBeChanged();
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex& i : before)
        after << index(newRow.at(m_runs[size_t(i.row())].id), i.column());
    m_runs = std::move(runs);
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged();
}

const dora::RunRecord* RunsTableModel::runAt(int row) const
{
    return row >= 0 && row < int(m_runs.size()) ? &m_runs[size_t(row)] : nullptr;
}

int RunsTableModel::rowOfRun(long long id) const
{
    for (size_t i = 0; i < m_runs.size(); ++i)
        if (m_runs[i].id == id)
            return int(i);
    return -1;
}

int RunsTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunsTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RunsTableModel::data(const QModelIndex& index, int role) const
{
    const dora::RunRecord* r = index.isValid() ? runAt(index.row()) : nullptr;
    if (!r)
        return {};
    const int column = index.column();
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (column) {
        case NameColumn: return QString::fromStdString(r->name);
        case MethodColumn: return run_method_label(r->method);
        case ModelColumn: return modelLabel(r->model);
        case StatusColumn: return run_status_label(r->status);
        case DateColumn: {
            const QDateTime t = createdAt(*r);
            return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat)
                               : QString::fromStdString(r->created_at);
        }
        case StepsColumn: return tr("%1 / %2").arg(r->steps_done).arg(r->total_steps);
        case FinalLossColumn:
            return std::isnan(r->final_eval_loss) ? tr("\u2014") : QString::number(r->final_eval_loss, 'f', 4);
        }
        return {};
    }
    if (role == SortRole) {
        switch (column) {
        case DateColumn: {
            const QDateTime t = createdAt(*r);
            return t.isValid() ? t.toMSecsSinceEpoch() : qint64(0);
        }
        case StepsColumn: return r->steps_done;
        case FinalLossColumn:
            // Unmeasured losses sort after every measured one (ascending).
            return std::isnan(r->final_eval_loss) ? std::numeric_limits<double>::infinity() : r->final_eval_loss;
        case NameColumn: return QString::fromStdString(r->name).toLower();
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole) {
        if (column == StatusColumn && !r->message.empty())
            return QString::fromStdString(r->message);
        if (column == ModelColumn)
            return QString::fromStdString(r->model);
        if (column == DateColumn)
            return QString::fromStdString(r->created_at);
        return {};
    }
    if (role == Qt::TextAlignmentRole && (column == StepsColumn || column == FinalLossColumn))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

bool RunsTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !index.isValid() || index.column() != NameColumn || !runAt(index.row()))
        return false;
    const QString name = value.toString().trimmed();
    dora::RunRecord& r = m_runs[size_t(index.row())];
    if (name.isEmpty())
        return false;  // a run keeps a name; an emptied field means "never mind"
    if (name.toStdString() == r.name)
        return true;
    r.name = name.toStdString();
    Q_EMIT dataChanged(index, index);
    Q_EMIT renameRequested(r.id, name);
    return true;
}

Qt::ItemFlags RunsTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == NameColumn)
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Name");
    case MethodColumn: return tr("Method");
    case ModelColumn: return tr("Model");
    case StatusColumn: return tr("Status");
    case DateColumn: return tr("Date");
    case StepsColumn: return tr("Steps");
    case FinalLossColumn: return tr("Held-out loss");
    }
    return {};
}

}  // namespace dora::ui
