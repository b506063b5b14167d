// The options form: what it shows is what it applies (every field), the method switches off what
// does not apply to it, and a bad value is explained on the page before Start.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QLabel>
#include <QSpinBox>

#include "dora/run_config.h"
#include "pages/options_page.h"

using dora::ui::OptionsPage;

class TestOptionsPage : public QObject {
    Q_OBJECT
private slots:
    void showThenApplyKeepsEveryField()
    {
        dora::RunConfig c;
        c.adapter.method = "lora";
        c.adapter.rank = 12;
        c.adapter.alpha = 24;
        c.adapter.dropout = 0.15;
        c.adapter.rslora = true;
        c.adapter.magnitude.trainable = false;
        c.adapter.magnitude.lr_scale = 2.5;
        c.adapter.magnitude.detach_norm = false;
        c.train.lr = 3e-4;
        c.train.schedule = "linear";
        c.train.warmup_steps = 7;
        c.train.steps = 321;
        c.train.batch_size = 5;
        c.train.grad_accum = 3;
        c.data.seq_len = 48;
        c.train.eval_every = 17;
        c.train.seed = 99;
        c.train.threads = 2;
        OptionsPage page;
        page.show(c);
        dora::RunConfig out;
        page.apply(out);
        out.model = c.model;
        QCOMPARE(QString::fromStdString(dora::run_config_to_json(out)), QString::fromStdString(dora::run_config_to_json(c)));
        QCOMPARE(page.epochs(), 0);  // a length in steps
        auto combos = page.findChildren<QComboBox*>();
        for (QComboBox* combo : combos)
            if (combo->findText("epochs") >= 0)
                combo->setCurrentIndex(combo->findText("epochs"));
        QCOMPARE(page.epochs(), 321);
    }

    void methodSwitchesOffWhatDoesNotApply()
    {
        OptionsPage page;
        page.show(dora::RunConfig{});
        auto* method = page.findChild<QComboBox*>();
        QVERIFY(method);
        QSignalSpy changed(&page, &OptionsPage::methodOrRankChanged);
        method->setCurrentIndex(method->findData("full"));
        QCOMPARE(page.method(), QString("full"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toString(), QString("full"));
        const auto spins = page.findChildren<QSpinBox*>();
        QVERIFY(!spins.isEmpty());
        QVERIFY(!spins.first()->isEnabled());  // the rank means nothing for full fine-tuning
    }

    void processesAreAnOptionOutsideTheConfig()
    {
        OptionsPage page;
        page.show(dora::RunConfig{});
        QCOMPARE(page.processes(), 1);
        QSpinBox* processes = nullptr;
        for (QSpinBox* spin : page.findChildren<QSpinBox*>())
            if (spin->toolTip().contains("processes"))
                processes = spin;
        QVERIFY(processes);
        dora::RunConfig before, after;
        page.apply(before);
        processes->setValue(3);
        QCOMPARE(page.processes(), 3);
        page.apply(after);  // the run computes the same on any number of processes: its config is unchanged
        QCOMPARE(QString::fromStdString(dora::run_config_to_json(after)), QString::fromStdString(dora::run_config_to_json(before)));
    }

    void badValueIsExplainedOnThePage()
    {
        OptionsPage page;
        page.show(dora::RunConfig{});
        dora::RunConfig c;
        c.model.builtin = "demo-mlp";
        page.apply(c);
        QVERIFY(page.validate(c));
        c.train.warmup_steps = -1;  // the form cannot produce this, a stored config can
        QVERIFY(!page.validate(c));
        bool shown = false;
        for (QLabel* label : page.findChildren<QLabel*>())
            shown = shown || (label->isVisibleTo(&page) && label->text().contains("train.warmup_steps must be at least 0"));
        QVERIFY(shown);
    }
};

QTEST_MAIN(TestOptionsPage)
#include "test_options_page.moc"
