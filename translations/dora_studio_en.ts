<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>dora::ui::LayerChangePlot</name>
    <message numerus="yes">
        <source>%n layers; colour runs from the first layer (blue) to the last (red)</source>
        <translation>
            <numerusform>%n layer; colour runs from the first layer (blue) to the last (red)</numerusform>
            <numerusform>%n layers; colour runs from the first layer (blue) to the last (red)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>dora::ui::TrainPage</name>
    <message numerus="yes">
        <source>Training %n runs one after the other, then comparing them.</source>
        <translation>
            <numerusform>Training %n run, then showing it.</numerusform>
            <numerusform>Training %n runs one after the other, then comparing them.</numerusform>
        </translation>
    </message>
</context>
</TS>
