<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>GuidedDemo</name>
    <message>
        <source>Magnitude and direction</source>
        <translation>幅度与方向</translation>
    </message>
    <message>
        <source>A neuron multiplies its inputs by a list of weights. Seen as an arrow, the weights have a &lt;b&gt;direction&lt;/b&gt; - where they point, which inputs the neuron responds to - and a &lt;b&gt;magnitude&lt;/b&gt; - the arrow&apos;s length, how strongly it responds.&lt;br&gt;&lt;br&gt;&lt;b&gt;LoRA&lt;/b&gt; fine-tunes a model by adding a small low-rank update to its weights. &lt;b&gt;DoRA&lt;/b&gt; splits every weight into magnitude and direction, updates the direction with LoRA and learns the magnitude on its own.&lt;br&gt;&lt;br&gt;Press &lt;i&gt;Next&lt;/i&gt; to see both at work.</source>
        <translation>一个神经元会把它的各个输入分别乘以一组权重。如果把这组权重看成一支箭头，它就有一个&lt;b&gt;方向&lt;/b&gt;（指向哪里，也就是神经元对哪些输入有反应）和一个&lt;b&gt;幅度&lt;/b&gt;（箭头的长度，也就是反应有多强）。&lt;br&gt;&lt;br&gt;&lt;b&gt;LoRA&lt;/b&gt; 微调模型的方法，是给权重加上一个小小的低秩更新。&lt;b&gt;DoRA&lt;/b&gt; 则把每个权重拆成幅度和方向两部分，用 LoRA 更新方向，幅度则单独学习。&lt;br&gt;&lt;br&gt;按&lt;i&gt;下一步&lt;/i&gt;，看看两者是怎样工作的。</translation>
    </message>
    <message>
        <source>The model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>We use &lt;b&gt;demo-mlp&lt;/b&gt;: a small network that learned to tell apart three spiral arms of points in the plane. Fine-tuning will teach it the same spirals &lt;b&gt;turned by 40°&lt;/b&gt;.&lt;br&gt;&lt;br&gt;Its first layer takes a point (x, y), so each of its neurons is an arrow in the plane - something we can draw.</source>
        <translation>我们使用 &lt;b&gt;demo-mlp&lt;/b&gt;：一个小型网络，它已经学会区分平面上三条螺旋臂上的点。微调会教它认出同样的螺旋，只是&lt;b&gt;旋转了 40°&lt;/b&gt;。&lt;br&gt;&lt;br&gt;它的第一层接收一个点 (x, y)，所以它的每个神经元都是平面上的一支箭头——我们可以把它画出来。</translation>
    </message>
    <message>
        <source>Train LoRA and DoRA</source>
        <translation>训练 LoRA 和 DoRA</translation>
    </message>
    <message>
        <source>Both runs now train in slow motion, one after the other, with the same data, seed, data order, rank and layers - only the method differs.&lt;br&gt;&lt;br&gt;Faint arrows: the weights before training. Solid arrows: the weights now. Watch whether the arrows &lt;b&gt;grow or shrink&lt;/b&gt; (magnitude) or &lt;b&gt;turn&lt;/b&gt; (direction), and how LoRA&apos;s picture (left) differs from DoRA&apos;s (right).</source>
        <translation>现在两次运行会以慢动作依次训练，使用相同的数据、随机种子、数据顺序、秩和层——只有方法不同。&lt;br&gt;&lt;br&gt;浅色箭头：训练前的权重。实心箭头：当前的权重。请观察箭头是&lt;b&gt;变长还是变短&lt;/b&gt;（幅度），还是&lt;b&gt;转动&lt;/b&gt;（方向），以及 LoRA 的图（左）和 DoRA 的图（右）有什么不同。</translation>
    </message>
    <message>
        <source>What the plots measure</source>
        <translation>这些图测量的是什么</translation>
    </message>
    <message>
        <source>The Train page measures the same thing for every adapted layer: &lt;b&gt;ΔM&lt;/b&gt;, how much the lengths changed on average, and &lt;b&gt;ΔD&lt;/b&gt;, how much the arrows turned (1 − cosine).&lt;br&gt;&lt;br&gt;The scatter plots ΔD against ΔM. An additive LoRA update that turns a row usually also lengthens it, so LoRA&apos;s points tend to line up (a high correlation r). DoRA can turn without lengthening, so its points are usually looser. Read the r the run measured: small models do not always show the paper&apos;s picture.</source>
        <translation>“训练”页面对每个被适配的层测量同样的两个量：&lt;b&gt;ΔM&lt;/b&gt;，即长度平均变化了多少；&lt;b&gt;ΔD&lt;/b&gt;，即箭头转动了多少（1 − 余弦）。&lt;br&gt;&lt;br&gt;图中把 ΔD 与 ΔM 对照画出。加性的 LoRA 更新在让一行权重转动时，通常也会让它变长，所以 LoRA 的点往往排成一条线（相关系数 r 较高）。DoRA 可以只转动而不变长，所以它的点通常更分散。请看这次运行实际测得的 r：小模型并不总能呈现论文中的那种情形。</translation>
    </message>
    <message>
        <source>Compare the runs</source>
        <translation>比较各次运行</translation>
    </message>
    <message>
        <source>The Compare page puts the runs side by side: the loss curves (by step, samples, tokens or time), the only setting that differs - the method - and the results: held-out loss, trainable parameters, time per step and memory. Below, each run&apos;s ΔD-versus-ΔM plot with its slope and correlation.&lt;br&gt;&lt;br&gt;Slow motion adds a pause to every step, so compare time per step on runs trained at full speed.</source>
        <translation>“比较”页面把各次运行并排展示：损失曲线（可按步、样本数、token 数或时间查看）、唯一不同的设置（也就是方法），以及结果：留出集损失、可训练参数、每步耗时和内存。下方是每次运行的 ΔD 对 ΔM 图，并标出斜率和相关系数。&lt;br&gt;&lt;br&gt;慢动作会在每一步加入停顿，所以比较每步耗时时，请使用全速训练的运行。</translation>
    </message>
    <message>
        <source>Try the result</source>
        <translation>试用结果</translation>
    </message>
    <message>
        <source>Finally the DoRA run classifies points it never trained on, next to the base model. The base model still expects the old spirals, so it gets many points wrong (crosses); the fine-tuned model has learned the turned ones.&lt;br&gt;&lt;br&gt;That is the whole story: same data, same budget, two ways to change the weights. Try it on demo-gpt next.</source>
        <translation>最后，DoRA 运行会对它从未训练过的点进行分类，旁边是基础模型的结果。基础模型仍然按旧的螺旋来判断，所以会把很多点分错（用叉号标出）；微调后的模型已经学会了旋转后的螺旋。&lt;br&gt;&lt;br&gt;这就是全部内容：同样的数据、同样的预算，两种改变权重的方法。接下来在 demo-gpt 上试试吧。</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation>%1 GB</translation>
    </message>
    <message>
        <source>%1 MB</source>
        <translation>%1 MB</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
</context>
<context>
    <name>RunComparison</name>
    <message>
        <source>Run %1 · %2</source>
        <translation>运行 %1 · %2</translation>
    </message>
    <message>
        <source>Run %1 · %2 r%3</source>
        <translation>运行 %1 · %2 r%3</translation>
    </message>
</context>
<context>
    <name>dora::ui</name>
    <message>
        <source>Cannot save the plot as “%1”: choose a file name ending in .png, .jpg, .pdf or .svg.</source>
        <translation>无法将图保存为“%1”：请选择以 .png、.jpg、.pdf 或 .svg 结尾的文件名。</translation>
    </message>
    <message>
        <source>Could not write the plot to “%1”: check that the folder exists and is writable.</source>
        <translation>无法将图写入“%1”：请检查该文件夹是否存在且可写。</translation>
    </message>
</context>
<context>
    <name>dora::ui::ComparePage</name>
    <message>
        <source>Choose two or more runs on the Runs page and press Compare, or press &quot;LoRA vs DoRA&quot; on the Train page.</source>
        <translation>请在“运行”页面选择两个或更多运行并按“比较”，或在“训练”页面按“LoRA vs DoRA”。</translation>
    </message>
    <message>
        <source>by step</source>
        <translation>按步</translation>
    </message>
    <message>
        <source>by samples seen</source>
        <translation>按已见样本数</translation>
    </message>
    <message>
        <source>by tokens seen</source>
        <translation>按已见 token 数</translation>
    </message>
    <message>
        <source>by time</source>
        <translation>按时间</translation>
    </message>
    <message>
        <source>Runs with different batch sizes or speeds compare fairly by samples seen or by time.</source>
        <translation>批次大小或速度不同的运行，按已见样本数或按时间比较才公平。</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Plots as PNG, SVG or PDF…</source>
        <translation>图（PNG、SVG 或 PDF）…</translation>
    </message>
    <message>
        <source>Save the plots</source>
        <translation>保存图</translation>
    </message>
    <message>
        <source>Images (*.png *.svg *.pdf)</source>
        <translation>图像 (*.png *.svg *.pdf)</translation>
    </message>
    <message>
        <source>Saved the plots as %1-*.%2.</source>
        <translation>已将图保存为 %1-*.%2。</translation>
    </message>
    <message>
        <source>Loss curves as CSV…</source>
        <translation>损失曲线（CSV）…</translation>
    </message>
    <message>
        <source>Save the loss curves</source>
        <translation>保存损失曲线</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <source>Settings and results as CSV…</source>
        <translation>设置与结果（CSV）…</translation>
    </message>
    <message>
        <source>Save the table</source>
        <translation>保存表格</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Time per step is the median time between logged steps; peak memory is the training process&apos;s resident memory during the run.</source>
        <translation>每步耗时是相邻两个已记录步之间时间的中位数；峰值内存是运行期间训练进程的常驻内存。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Settings that differ&lt;/b&gt;</source>
        <translation>&lt;b&gt;不同的设置&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Results&lt;/b&gt;</source>
        <translation>&lt;b&gt;结果&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>Could not compare the runs: %1</source>
        <translation>无法比较这些运行：%1</translation>
    </message>
    <message>
        <source>Comparing %1</source>
        <translation>正在比较 %1</translation>
    </message>
    <message>
        <source>samples seen</source>
        <translation>已见样本数</translation>
    </message>
    <message>
        <source>tokens seen</source>
        <translation>已见 token 数</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>%1 training</source>
        <translation>%1 训练</translation>
    </message>
    <message>
        <source>%1 held-out</source>
        <translation>%1 留出集</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>(every setting is the same)</source>
        <translation>（所有设置都相同）</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Best held-out loss</source>
        <translation>最佳留出集损失</translation>
    </message>
    <message>
        <source>Final held-out loss</source>
        <translation>最终留出集损失</translation>
    </message>
    <message>
        <source>Trainable parameters</source>
        <translation>可训练参数</translation>
    </message>
    <message>
        <source>ms per step</source>
        <translation>每步毫秒数</translation>
    </message>
    <message>
        <source>Peak memory (MB)</source>
        <translation>峰值内存 (MB)</translation>
    </message>
</context>
<context>
    <name>dora::ui::DataPage</name>
    <message>
        <source>The demo&apos;s own task</source>
        <translation>演示自带的任务</translation>
    </message>
    <message>
        <source>Each built-in demo comes with the task it is adapted to.</source>
        <translation>每个内置演示都带有它所适配的任务。</translation>
    </message>
    <message>
        <source>A file of mine</source>
        <translation>我自己的文件</translation>
    </message>
    <message>
        <source>path to a .txt, .jsonl, .json or .csv file</source>
        <translation>.txt、.jsonl、.json 或 .csv 文件的路径</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Plain text</source>
        <translation>纯文本</translation>
    </message>
    <message>
        <source>JSONL with a &quot;text&quot; field</source>
        <translation>带 &quot;text&quot; 字段的 JSONL</translation>
    </message>
    <message>
        <source>Alpaca instructions (learns the responses)</source>
        <translation>Alpaca 指令（学习回答部分）</translation>
    </message>
    <message>
        <source>CSV table (demo MLP)</source>
        <translation>CSV 表格（演示 MLP）</translation>
    </message>
    <message>
        <source>How to read the file. Alpaca data trains only on the responses, not the prompts.</source>
        <translation>文件的读取方式。Alpaca 数据只在回答上训练，不在提示上训练。</translation>
    </message>
    <message>
        <source>The share of samples kept aside to measure the held-out loss, never trained on.</source>
        <translation>留出来用于测量留出集损失的样本比例，这些样本从不参与训练。</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>The first samples appear here, as the model will see them.</source>
        <translation>前几个样本会显示在这里，与模型看到的样子一致。</translation>
    </message>
    <message>
        <source>Open data file</source>
        <translation>打开数据文件</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Held-out share</source>
        <translation>留出比例</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Sample %1&lt;/b&gt;&lt;br&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;样本 %1&lt;/b&gt;&lt;br&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;%1 samples&lt;/b&gt;, %2 tokens trained on; %3 samples held out for evaluation.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;%1 个样本&lt;/b&gt;，训练 %2 个 token；留出 %3 个样本用于评估。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p style=&apos;color:#555&apos;&gt;Blue: tokens the model learns to predict. Grey: context only. | separates tokens.&lt;/p&gt;</source>
        <translation>&lt;p style=&apos;color:#555&apos;&gt;蓝色：模型要学习预测的 token。灰色：仅作为上下文。| 用于分隔 token。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>dora::ui::DecompositionScatter</name>
    <message>
        <source>Magnitude vs direction change per layer</source>
        <translation>各层的幅度变化与方向变化</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>ΔD: direction change (mean 1 − cos per row)</source>
        <translation>ΔD：方向变化（每行 1 − cos 的平均值）</translation>
    </message>
    <message>
        <source>ΔD: mean 1 − cos per row</source>
        <translation>ΔD：每行 1 − cos 的平均值</translation>
    </message>
    <message>
        <source>ΔD: direction change</source>
        <translation>ΔD：方向变化</translation>
    </message>
    <message>
        <source>ΔM: mean |‖W‖ − ‖W₀‖| per row</source>
        <translation>ΔM：每行 |‖W‖ − ‖W₀‖| 的平均值</translation>
    </message>
    <message>
        <source>ΔM: magnitude change</source>
        <translation>ΔM：幅度变化</translation>
    </message>
    <message>
        <source>ΔM: magnitude change (mean |‖W‖ − ‖W₀‖| per row)</source>
        <translation>ΔM：幅度变化（每行 |‖W‖ − ‖W₀‖| 的平均值）</translation>
    </message>
    <message>
        <source>r (all points) = %1    mean r within a step = %2
slope = %3 (dashed fit)</source>
        <translation>r（所有点）= %1    同一步内的平均 r = %2
斜率 = %3（虚线拟合）</translation>
    </message>
</context>
<context>
    <name>dora::ui::DemoDriver</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <source>there is no built-in demo &apos;%1&apos; (demo-mlp, demo-gpt)</source>
        <translation>没有名为“%1”的内置演示（demo-mlp、demo-gpt）</translation>
    </message>
    <message>
        <source>the run did not start</source>
        <translation>运行未能启动</translation>
    </message>
</context>
<context>
    <name>dora::ui::GuidedDemo</name>
    <message>
        <source>Guided demo</source>
        <translation>引导演示</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第 %1 步，共 %2 步</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>dora::ui::LayerChangePlot</name>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>Magnitude change per layer (ΔM)</source>
        <translation>各层的幅度变化 (ΔM)</translation>
    </message>
    <message>
        <source>Direction change per layer (ΔD)</source>
        <translation>各层的方向变化 (ΔD)</translation>
    </message>
    <message>
        <source>ΔM: mean |‖W‖ − ‖W₀‖| per row</source>
        <translation>ΔM：每行 |‖W‖ − ‖W₀‖| 的平均值</translation>
    </message>
    <message>
        <source>ΔD: mean 1 − cos(W, W₀) per row</source>
        <translation>ΔD：每行 1 − cos(W, W₀) 的平均值</translation>
    </message>
    <message numerus="yes">
        <source>%n layers; colour runs from the first layer (blue) to the last (red)</source>
        <translation>
            <numerusform>共 %n 层；颜色从第一层（蓝）渐变到最后一层（红）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>dora::ui::LayerPicker</name>
    <message>
        <source>B</source>
        <comment>billion</comment>
        <translation>B</translation>
    </message>
    <message>
        <source>M</source>
        <comment>million</comment>
        <translation>M</translation>
    </message>
    <message>
        <source>K</source>
        <comment>thousand</comment>
        <translation>K</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Custom selection</source>
        <translation>自定义选择</translation>
    </message>
    <message>
        <source>Attention q and v</source>
        <translation>注意力 q 和 v</translation>
    </message>
    <message>
        <source>All attention</source>
        <translation>全部注意力层</translation>
    </message>
    <message>
        <source>All linear layers</source>
        <translation>全部线性层</translation>
    </message>
    <message>
        <source>MLP only</source>
        <translation>仅 MLP</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Regex over whole layer names, e.g. .*attn\.c_attn</source>
        <translation>匹配完整层名的正则表达式，例如 .*attn\.c_attn</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>预设：</translation>
    </message>
    <message>
        <source>Pattern:</source>
        <translation>模式：</translation>
    </message>
    <message>
        <source>1 layer</source>
        <translation>1 层</translation>
    </message>
    <message>
        <source>%1 layers</source>
        <translation>%1 层</translation>
    </message>
    <message>
        <source>%1 · %2 trainable parameters (%3% of %4)</source>
        <translation>%1 · %2 个可训练参数（占 %4 的 %3%）</translation>
    </message>
</context>
<context>
    <name>dora::ui::LayerSelectionModel</name>
    <message>
        <source>Linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>LayerNorm</source>
        <translation>LayerNorm</translation>
    </message>
    <message>
        <source>RMSNorm</source>
        <translation>RMSNorm</translation>
    </message>
    <message>
        <source>Not a valid pattern: %1</source>
        <translation>无效的模式：%1</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
</context>
<context>
    <name>dora::ui::MainWindow</name>
    <message>
        <source>DoRA Studio</source>
        <translation>DoRA Studio</translation>
    </message>
    <message>
        <source>1  Model</source>
        <translation>1  模型</translation>
    </message>
    <message>
        <source>2  Data</source>
        <translation>2  数据</translation>
    </message>
    <message>
        <source>3  Layers</source>
        <translation>3  层</translation>
    </message>
    <message>
        <source>4  Options</source>
        <translation>4  选项</translation>
    </message>
    <message>
        <source>5  Train</source>
        <translation>5  训练</translation>
    </message>
    <message>
        <source>Weight vectors</source>
        <translation>权重向量</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Try it</source>
        <translation>试用</translation>
    </message>
    <message>
        <source>Runs are kept in %1</source>
        <translation>运行保存在 %1</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Presenter mode (large plot text)</source>
        <translation>演示模式（大号图表文字）</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Guided demo: LoRA vs DoRA</source>
        <translation>引导演示：LoRA vs DoRA</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <source>Check the maths library</source>
        <translation>检查数学库</translation>
    </message>
    <message>
        <source>Maths library</source>
        <translation>数学库</translation>
    </message>
    <message>
        <source>Matrix products run at %1 GFLOP/s (%2): fine.</source>
        <translation>矩阵乘法速度为 %1 GFLOP/s（%2）：正常。</translation>
    </message>
    <message>
        <source>Database location…</source>
        <translation>数据库位置…</translation>
    </message>
    <message>
        <source>Keep runs in</source>
        <translation>将运行保存在</translation>
    </message>
    <message>
        <source>Run databases (*.sqlite);;All files (*)</source>
        <translation>运行数据库 (*.sqlite);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Database location</source>
        <translation>数据库位置</translation>
    </message>
    <message>
        <source>DoRA Studio will keep runs in %1 from its next start.</source>
        <translation>DoRA Studio 下次启动时将把运行保存在 %1。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>DoRA Studio will use this language from its next start.</source>
        <translation>DoRA Studio 下次启动时将使用此语言。</translation>
    </message>
    <message>
        <source>No layers chosen</source>
        <translation>未选择层</translation>
    </message>
    <message>
        <source>Tick at least one layer to adapt.</source>
        <translation>请至少勾选一个要适配的层。</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>No data chosen</source>
        <translation>未选择数据</translation>
    </message>
    <message>
        <source>Choose a data file for this model.</source>
        <translation>请为此模型选择一个数据文件。</translation>
    </message>
    <message>
        <source>A run is training</source>
        <translation>有运行正在训练</translation>
    </message>
    <message>
        <source>Stop the run and quit? It is kept in the database and can be resumed later.</source>
        <translation>要停止运行并退出吗？运行会保存在数据库中，以后可以继续。</translation>
    </message>
</context>
<context>
    <name>dora::ui::MetricPlot</name>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
</context>
<context>
    <name>dora::ui::ModelPage</name>
    <message>
        <source>Open model folder…</source>
        <translation>打开模型文件夹…</translation>
    </message>
    <message>
        <source>A Hugging Face model folder: config.json and model.safetensors (GPT-2, Llama, Mistral, Qwen2).</source>
        <translation>Hugging Face 模型文件夹：包含 config.json 和 model.safetensors（GPT-2、Llama、Mistral、Qwen2）。</translation>
    </message>
    <message>
        <source>Open model folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <source>Pick a demo above, or open a model folder (you can also drop one here).</source>
        <translation>请在上方选择一个演示，或打开一个模型文件夹（也可以把文件夹拖放到这里）。</translation>
    </message>
    <message>
        <source>The model&apos;s modules. Tick the ones to adapt on the Layers page.</source>
        <translation>模型的各个模块。请在“层”页面勾选要适配的模块。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Built-in demos&lt;/b&gt; (ready in seconds, no download)</source>
        <translation>&lt;b&gt;内置演示&lt;/b&gt;（几秒即可就绪，无需下载）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Recent models&lt;/b&gt;</source>
        <translation>&lt;b&gt;最近使用的模型&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#b00020&apos;&gt;Could not load the model: %1&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b00020&apos;&gt;无法加载模型：%1&lt;/span&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2, %3 parameters (%4 in float32), %5 linear layers that can be adapted.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;：%2，%3 个参数（float32 下占 %4），%5 个可适配的线性层。</translation>
    </message>
    <message>
        <source>A run with the current options needs about %1 (weights %2, adapter and optimiser %3, activations %4); %5 free.</source>
        <translation>按当前选项进行一次运行大约需要 %1（权重 %2，适配器和优化器 %3，激活值 %4）；可用 %5。</translation>
    </message>
</context>
<context>
    <name>dora::ui::OptionsPage</name>
    <message>
        <source>DoRA: direction by LoRA, magnitude learned</source>
        <translation>DoRA：方向由 LoRA 更新，幅度单独学习</translation>
    </message>
    <message>
        <source>LoRA: a low-rank update of each weight</source>
        <translation>LoRA：对每个权重做低秩更新</translation>
    </message>
    <message>
        <source>Full fine-tuning of the chosen layers</source>
        <translation>对所选层进行全量微调</translation>
    </message>
    <message>
        <source>How the chosen layers learn. DoRA splits each weight row into a length (magnitude) and a direction and adapts them separately; LoRA adds a small low-rank update; full fine-tuning trains every weight of the chosen layers.</source>
        <translation>所选层的学习方式。DoRA 把每一行权重拆分为长度（幅度）和方向，并分别进行适配；LoRA 加上一个小的低秩更新；全量微调则训练所选层的每一个权重。</translation>
    </message>
    <message>
        <source>The size of the low-rank update. Larger learns more but trains more parameters.</source>
        <translation>低秩更新的大小。越大学到的越多，但要训练的参数也越多。</translation>
    </message>
    <message>
        <source>Scales the update: the adapter is multiplied by alpha / rank.</source>
        <translation>缩放更新：适配器会乘以 alpha / 秩。</translation>
    </message>
    <message>
        <source>Randomly drops inputs of the adapter while training, to generalise better.</source>
        <translation>训练时随机丢弃适配器的部分输入，以提高泛化能力。</translation>
    </message>
    <message>
        <source>Rank-stabilised scaling (alpha / √rank)</source>
        <translation>秩稳定缩放（alpha / √秩）</translation>
    </message>
    <message>
        <source>Keeps the update&apos;s size steady when you change the rank.</source>
        <translation>改变秩时，使更新的大小保持稳定。</translation>
    </message>
    <message>
        <source>Learn the magnitude</source>
        <translation>学习幅度</translation>
    </message>
    <message>
        <source>DoRA: let each neuron&apos;s strength (the length of its weight row) change. Off: only the direction is adapted.</source>
        <translation>DoRA：允许每个神经元的强度（其权重行的长度）发生变化。关闭时：只适配方向。</translation>
    </message>
    <message>
        <source>DoRA: the magnitude&apos;s learning rate as a multiple of the main one.</source>
        <translation>DoRA：幅度的学习率，以主学习率的倍数表示。</translation>
    </message>
    <message>
        <source>Exact gradient through the norm</source>
        <translation>通过范数的精确梯度</translation>
    </message>
    <message>
        <source>DoRA: also send gradients through the row norm. Off (the default, as in the DoRA paper and PEFT) treats the norm as a constant, which saves memory.</source>
        <translation>DoRA：梯度也经过行范数传播。关闭时（默认设置，与 DoRA 论文和 PEFT 相同）把范数视为常数，可以节省内存。</translation>
    </message>
    <message>
        <source>How big each training step is. Too high and the loss jumps or becomes NaN.</source>
        <translation>每个训练步迈出的步子有多大。设得太高，损失会剧烈跳动或变成 NaN。</translation>
    </message>
    <message>
        <source>Cosine decay</source>
        <translation>余弦衰减</translation>
    </message>
    <message>
        <source>Linear decay</source>
        <translation>线性衰减</translation>
    </message>
    <message>
        <source>Constant</source>
        <translation>恒定</translation>
    </message>
    <message>
        <source>How the learning rate changes after warm-up.</source>
        <translation>预热结束后学习率如何变化。</translation>
    </message>
    <message>
        <source>Steps at the start during which the learning rate grows from zero.</source>
        <translation>训练开始时学习率从零逐渐增大的步数。</translation>
    </message>
    <message>
        <source>How long to train: optimiser steps, or passes over the training data (epochs).</source>
        <translation>训练多久：按优化器步数，或按遍历训练数据的次数（轮）。</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>轮</translation>
    </message>
    <message>
        <source>An epoch is one pass over every training sample.</source>
        <translation>一轮即把每个训练样本都过一遍。</translation>
    </message>
    <message>
        <source>Samples per step. Larger is smoother but needs more memory.</source>
        <translation>每步的样本数。越大越平稳，但需要更多内存。</translation>
    </message>
    <message>
        <source>Add up the gradients of this many batches before each step: a larger effective batch without more memory.</source>
        <translation>每一步之前累加这么多个批次的梯度：不增加内存就能获得更大的有效批次。</translation>
    </message>
    <message>
        <source>Tokens per sample for language models.</source>
        <translation>语言模型每个样本的 token 数。</translation>
    </message>
    <message>
        <source>Measure the held-out loss every this many steps (0: only at the start and end).</source>
        <translation>每隔这么多步测量一次留出集损失（0：只在开始和结束时测量）。</translation>
    </message>
    <message>
        <source>The same seed and settings repeat a run exactly.</source>
        <translation>相同的随机种子和设置可以完全重现一次运行。</translation>
    </message>
    <message>
        <source>CPU threads for training (0: one per core).</source>
        <translation>用于训练的 CPU 线程数（0：每个核心一个）。</translation>
    </message>
    <message>
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>秩</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>Alpha</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>Magnitude (DoRA)</source>
        <translation>幅度 (DoRA)</translation>
    </message>
    <message>
        <source>Learning-rate scale</source>
        <translation>学习率倍数</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>调度</translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation>预热步数</translation>
    </message>
    <message>
        <source>Train for</source>
        <translation>训练时长</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批次大小</translation>
    </message>
    <message>
        <source>Gradient accumulation</source>
        <translation>梯度累积</translation>
    </message>
    <message>
        <source>Sequence length</source>
        <translation>序列长度</translation>
    </message>
    <message>
        <source>Evaluate every</source>
        <translation>评估间隔</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>Train on this many processes, each on its share of every batch: the same result, sooner when one process leaves cores idle. See the README for clusters.</source>
        <translation>用这么多个进程训练，每个进程处理每个批次中属于它的一份：结果相同，在单个进程用不满所有核心时更快。集群用法见 README。</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程数</translation>
    </message>
</context>
<context>
    <name>dora::ui::RunsPage</name>
    <message>
        <source>Show plots</source>
        <translation>显示图</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Select two or more runs (Ctrl+click) to see their losses, settings and results together.</source>
        <translation>选择两个或更多运行（Ctrl+单击），一起查看它们的损失、设置和结果。</translation>
    </message>
    <message>
        <source>Try it</source>
        <translation>试用</translation>
    </message>
    <message>
        <source>Put the trained model next to the base model on your own prompt or on held-out samples.</source>
        <translation>在你自己的提示或留出样本上，把训练后的模型与基础模型并排比较。</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Export adapter…</source>
        <translation>导出适配器…</translation>
    </message>
    <message>
        <source>A PEFT adapter folder, which Python&apos;s peft library and other tools load.</source>
        <translation>PEFT 适配器文件夹，可由 Python 的 peft 库及其他工具加载。</translation>
    </message>
    <message>
        <source>Export merged model…</source>
        <translation>导出合并模型…</translation>
    </message>
    <message>
        <source>The base model with the adapter folded in: runs at the base model&apos;s speed.</source>
        <translation>已将适配器合并进去的基础模型：运行速度与基础模型相同。</translation>
    </message>
    <message>
        <source>Export metrics…</source>
        <translation>导出指标…</translation>
    </message>
    <message>
        <source>Every step&apos;s loss, learning rate, gradient norm and throughput, and the held-out losses, as a CSV file for a spreadsheet.</source>
        <translation>每一步的损失、学习率、梯度范数和吞吐量，以及留出集损失，导出为可用电子表格打开的 CSV 文件。</translation>
    </message>
    <message>
        <source>Notes about the selected run: what you tried, what you saw.</source>
        <translation>关于所选运行的笔记：你尝试了什么，观察到了什么。</translation>
    </message>
    <message>
        <source>Save notes</source>
        <translation>保存笔记</translation>
    </message>
    <message>
        <source>Saved the notes of run %1.</source>
        <translation>已保存运行 %1 的笔记。</translation>
    </message>
    <message>
        <source>Delete run</source>
        <translation>删除运行</translation>
    </message>
    <message>
        <source>Delete run %1 &apos;%2&apos; and its checkpoints?</source>
        <translation>要删除运行 %1“%2”及其检查点吗？</translation>
    </message>
    <message>
        <source>Deleted run %1.</source>
        <translation>已删除运行 %1。</translation>
    </message>
    <message>
        <source>Export merged model to</source>
        <translation>将合并模型导出到</translation>
    </message>
    <message>
        <source>Export adapter to</source>
        <translation>将适配器导出到</translation>
    </message>
    <message>
        <source>Exported run %1 to %2.</source>
        <translation>已将运行 %1 导出到 %2。</translation>
    </message>
    <message>
        <source>Export metrics</source>
        <translation>导出指标</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Exported the metrics of run %1 to %2.</source>
        <translation>已将运行 %1 的指标导出到 %2。</translation>
    </message>
    <message>
        <source>Continue an interrupted, stopped or failed run (after freeing disk space, say) from its last checkpoint.</source>
        <translation>从最后一个检查点继续一个被中断、已停止或失败的运行（例如在腾出磁盘空间之后）。</translation>
    </message>
</context>
<context>
    <name>dora::ui::RunsTableModel</name>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>DoRA</source>
        <translation>DoRA</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>全量</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Held-out loss</source>
        <translation>留出集损失</translation>
    </message>
</context>
<context>
    <name>dora::ui::TrainPage</name>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Train with the model, data, layers and options you chose.</source>
        <translation>使用你选择的模型、数据、层和选项进行训练。</translation>
    </message>
    <message>
        <source>LoRA vs DoRA</source>
        <translation>LoRA vs DoRA</translation>
    </message>
    <message>
        <source>Train this setup twice, as LoRA and as DoRA - same model, data, seed, data order, rank and layers - then compare the two runs.</source>
        <translation>将此设置训练两次，分别用 LoRA 和 DoRA（相同的模型、数据、随机种子、数据顺序、秩和层），然后比较这两次运行。</translation>
    </message>
    <message>
        <source>+ DoRA at half rank</source>
        <translation>+ 半秩 DoRA</translation>
    </message>
    <message>
        <source>Also train DoRA with half the rank: does it match LoRA with fewer parameters?</source>
        <translation>再用一半的秩训练 DoRA：它能否以更少的参数达到 LoRA 的效果？</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop after the current step; the run is kept and can be resumed.</source>
        <translation>在当前步结束后停止；运行会被保存，之后可以继续。</translation>
    </message>
    <message>
        <source>step %v of %m</source>
        <translation>第 %v 步，共 %m 步</translation>
    </message>
    <message>
        <source>Smooth the training loss (a moving average) to see the trend through the noise.</source>
        <translation>对训练损失进行平滑（移动平均），以便透过噪声看清趋势。</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <source>Per layer: magnitude change ΔM</source>
        <translation>各层：幅度变化 ΔM</translation>
    </message>
    <message>
        <source>Per layer: direction change ΔD</source>
        <translation>各层：方向变化 ΔD</translation>
    </message>
    <message>
        <source>Magnitude: how much each neuron&apos;s strength changed. Direction: how much the way its weights point turned.</source>
        <translation>幅度：每个神经元的强度变化了多少。方向：其权重的指向转动了多少。</translation>
    </message>
    <message>
        <source>Save plots…</source>
        <translation>保存图…</translation>
    </message>
    <message>
        <source>Save every plot as PNG, PDF and SVG into a folder.</source>
        <translation>将每张图以 PNG、PDF 和 SVG 格式保存到一个文件夹中。</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>held-out loss</source>
        <translation>留出集损失</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>norm before clipping</source>
        <translation>裁剪前的范数</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>吞吐量</translation>
    </message>
    <message>
        <source>tokens per second</source>
        <translation>每秒 token 数</translation>
    </message>
    <message>
        <source>Messages about the run appear here.</source>
        <translation>有关运行的消息会显示在这里。</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Paused.</source>
        <translation>已暂停。</translation>
    </message>
    <message>
        <source>Resumed.</source>
        <translation>已继续。</translation>
    </message>
    <message>
        <source>Run %1 started: %2</source>
        <translation>运行 %1 已开始：%2</translation>
    </message>
    <message>
        <source>The run failed: %1</source>
        <translation>运行失败：%1</translation>
    </message>
    <message>
        <source>Run %1 %2; held-out loss %3.</source>
        <translation>运行 %1 %2；留出集损失 %3。</translation>
    </message>
    <message>
        <source>Run %1 %2: %3</source>
        <translation>运行 %1 %2：%3</translation>
    </message>
    <message numerus="yes">
        <source>Training %n runs one after the other, then comparing them.</source>
        <translation>
            <numerusform>正在依次训练 %n 个运行，然后进行比较。</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopping after the current step…</source>
        <translation>将在当前步结束后停止…</translation>
    </message>
    <message>
        <source>step %v of %m · %1 elapsed · %2 left</source>
        <translation>第 %v 步，共 %m 步 · 已用 %1 · 剩余 %2</translation>
    </message>
    <message>
        <source>Showing run %1 &apos;%2&apos; (%3).</source>
        <translation>正在显示运行 %1“%2”（%3）。</translation>
    </message>
    <message>
        <source>Could not read run %1: %2</source>
        <translation>无法读取运行 %1：%2</translation>
    </message>
    <message>
        <source>Save the plots into</source>
        <translation>将图保存到</translation>
    </message>
    <message>
        <source>Saved the plots in %1.</source>
        <translation>已将图保存到 %1。</translation>
    </message>
</context>
<context>
    <name>dora::ui::TryPage</name>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Type the start of a text, for example: the cat</source>
        <translation>输入一段文本的开头，例如：the cat</translation>
    </message>
    <message>
        <source>0 (greedy)</source>
        <translation>0（贪婪）</translation>
    </message>
    <message>
        <source>0 always takes the most likely next token; higher values sample more freely.</source>
        <translation>0 总是选取最可能的下一个 token；数值越高，采样越自由。</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>&lt;b&gt;Trained model&lt;/b&gt;</source>
        <translation>&lt;b&gt;训练后的模型&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>New tokens</source>
        <translation>新 token 数</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>&lt;b&gt;Base model&lt;/b&gt;</source>
        <translation>&lt;b&gt;基础模型&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Classify the held-out points</source>
        <translation>对留出的点进行分类</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Trained model</source>
        <translation>训练后的模型</translation>
    </message>
    <message>
        <source>Colour: the class a model predicts. A cross marks a wrong prediction (the truth differs).</source>
        <translation>颜色：模型预测的类别。叉号表示预测错误（与真实类别不同）。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Both continue the same prompt with the same settings; only the training differs.</source>
        <translation>两者用相同的设置续写同一个提示；唯一的区别在于训练。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Trained: %1&lt;/b&gt;</source>
        <translation>&lt;b&gt;训练后：%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Loading the run and computing…</source>
        <translation>正在加载运行并计算…</translation>
    </message>
    <message>
        <source>Held-out points: %1. Correct: base model %2%, trained model %3%.</source>
        <translation>留出的点：%1 个。正确率：基础模型 %2%，训练后的模型 %3%。</translation>
    </message>
    <message>
        <source>Run %1: %2</source>
        <translation>运行 %1：%2</translation>
    </message>
</context>
<context>
    <name>dora::ui::WeightVectorsPlot</name>
    <message>
        <source>Weight vectors of the first layer</source>
        <translation>第一层的权重向量</translation>
    </message>
    <message>
        <source>faint: base weights · solid: now</source>
        <translation>浅色：基础权重 · 实心：当前</translation>
    </message>
    <message>
        <source>weight on input x</source>
        <translation>输入 x 上的权重</translation>
    </message>
    <message>
        <source>weight on input y</source>
        <translation>输入 y 上的权重</translation>
    </message>
    <message>
        <source>faint: base weights · solid: step %1</source>
        <translation>浅色：基础权重 · 实心：第 %1 步</translation>
    </message>
</context>
<context>
    <name>dora::ui::WeightsPage</name>
    <message>
        <source>Each arrow is one neuron of the demo MLP&apos;s first layer: the two numbers it multiplies the input point with. Its &lt;b&gt;direction&lt;/b&gt; is where the neuron&apos;s weights point - which inputs it responds to. Its &lt;b&gt;length&lt;/b&gt; is the magnitude - how strongly it responds. LoRA changes both through one update, so they move together; DoRA learns the length separately from the direction.</source>
        <translation>每个箭头代表演示 MLP 第一层中的一个神经元：也就是它用来乘以输入点的两个数。它的&lt;b&gt;方向&lt;/b&gt;是该神经元权重的指向——它对哪些输入有反应。它的&lt;b&gt;长度&lt;/b&gt;就是幅度——它的反应有多强。LoRA 通过同一个更新同时改变两者，所以它们一起变化；DoRA 则把长度与方向分开学习。</translation>
    </message>
    <message>
        <source>Train demo-mlp with LoRA or DoRA (or press &quot;LoRA vs DoRA&quot; on the Train page) to see the arrows move. Other models&apos; first layers take more than two inputs and cannot be drawn.</source>
        <translation>用 LoRA 或 DoRA 训练 demo-mlp（或在“训练”页面按“LoRA vs DoRA”），就能看到箭头移动。其他模型的第一层有两个以上的输入，无法画出来。</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>DoRA</source>
        <translation>DoRA</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Fine-tune models with LoRA and DoRA by clicking.</source>
        <translation>点点鼠标，就能用 LoRA 和 DoRA 微调模型。</translation>
    </message>
    <message>
        <source>The run database to use.</source>
        <translation>要使用的运行数据库。</translation>
    </message>
    <message>
        <source>Run a built-in demo through the window (demo-mlp, demo-gpt).</source>
        <translation>通过窗口运行一个内置演示（demo-mlp、demo-gpt）。</translation>
    </message>
    <message>
        <source>With --demo: save a PNG of each page here.</source>
        <translation>与 --demo 一起使用：将每个页面的 PNG 截图保存到此处。</translation>
    </message>
    <message>
        <source>With --demo: quit when the run ends.</source>
        <translation>与 --demo 一起使用：运行结束时退出。</translation>
    </message>
    <message>
        <source>Interface language, e.g. en or zh_CN (default: the one chosen in Settings, else the system&apos;s).</source>
        <translation>界面语言，例如 en 或 zh_CN（默认：使用“设置”中选择的语言，否则使用系统语言）。</translation>
    </message>
    <message>
        <source>Open the guided LoRA-vs-DoRA demo at start.</source>
        <translation>启动时打开 LoRA 与 DoRA 对比的引导演示。</translation>
    </message>
</context>
</TS>
