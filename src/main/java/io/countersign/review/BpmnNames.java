package io.countersign.review;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The names of a BPMN file's elements by id, read from the deployed XML for the reviewer's list of steps. */
final class BpmnNames {

    static final String BPMN_MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    private BpmnNames() {
    }

    /** Element id to its non-blank {@code name}; the XML comes from the engine, so DTDs and entities stay off. */
    static Map<String, String> of(String xml) {
        Map<String, String> names = new HashMap<>();
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            NodeList all = f.newDocumentBuilder()
                    .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                    .getElementsByTagNameNS(BPMN_MODEL, "*");
            for (int i = 0; i < all.getLength(); i++) {
                Element e = (Element) all.item(i);
                String name = e.getAttribute("name").strip();
                if (!e.getAttribute("id").isEmpty() && !name.isEmpty()) {
                    names.put(e.getAttribute("id"), name);
                }
            }
        } catch (Exception e) {
            // names are a courtesy: without them the steps show their element ids
        }
        return names;
    }
}
