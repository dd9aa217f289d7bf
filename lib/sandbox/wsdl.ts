// GET /sandbox/soap?wsdl: a WSDL of what the sandbox implements. The types are SEQR's own, copied unchanged
// from SEQR's 2013 WSDL (ERSWSExternalClientService.wsdl) for the operations the shop uses, plus
// getClientSessionInfo, which SEQR served from a separate service, written from CONTRACT.md's description.
// tests/contract checks that every copied type still equals SEQR's.

const WSDL_TEMPLATE = `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="ERSWSExternalClientServiceService" targetNamespace="http://external.interfaces.ers.seamless.com/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:tns="http://external.interfaces.ers.seamless.com/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/">
  <wsdl:types>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://external.interfaces.ers.seamless.com/" elementFormDefault="unqualified" targetNamespace="http://external.interfaces.ers.seamless.com/" version="1.0">
<xs:element name="sendInvoice" type="tns:sendInvoice"/>
<xs:element name="sendInvoiceResponse" type="tns:sendInvoiceResponse"/>
<xs:element name="getPaymentStatus" type="tns:getPaymentStatus"/>
<xs:element name="getPaymentStatusResponse" type="tns:getPaymentStatusResponse"/>
<xs:element name="cancelInvoice" type="tns:cancelInvoice"/>
<xs:element name="cancelInvoiceResponse" type="tns:cancelInvoiceResponse"/>
<xs:element name="refundPayment" type="tns:refundPayment"/>
<xs:element name="refundPaymentResponse" type="tns:refundPaymentResponse"/>
<xs:element name="updateInvoice" type="tns:updateInvoice"/>
<xs:element name="updateInvoiceResponse" type="tns:updateInvoiceResponse"/>
<xs:element name="submitPaymentReceipt" type="tns:submitPaymentReceipt"/>
<xs:element name="submitPaymentReceiptResponse" type="tns:submitPaymentReceiptResponse"/>
<xs:element name="markTransactionPeriod" type="tns:markTransactionPeriod"/>
<xs:element name="markTransactionPeriodResponse" type="tns:markTransactionPeriodResponse"/>
<xs:element name="executeReport" type="tns:executeReport"/>
<xs:element name="executeReportResponse" type="tns:executeReportResponse"/>
<xs:element name="getClientSessionInfo" type="tns:getClientSessionInfo"/>
<xs:element name="getClientSessionInfoResponse" type="tns:getClientSessionInfoResponse"/>
<xs:complexType name="sendInvoice">
<xs:sequence>
<xs:element minOccurs="0" name="context" type="tns:clientContext"/>
<xs:element minOccurs="0" name="invoice" type="tns:invoice"/>
<xs:element maxOccurs="unbounded" minOccurs="0" name="tokens" type="tns:customerToken"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="clientContext">
<xs:sequence>
<xs:element minOccurs="0" name="channel" type="xs:string"/>
<xs:element minOccurs="0" name="clientComment" type="xs:string"/>
<xs:element minOccurs="0" name="clientId" type="xs:string"/>
<xs:element minOccurs="0" name="clientReference" type="xs:string"/>
<xs:element name="clientRequestTimeout" type="xs:long"/>
<xs:element minOccurs="0" name="initiatorPrincipalId" type="tns:principalId"/>
<xs:element minOccurs="0" name="password" type="xs:string"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="principalId">
<xs:sequence>
<xs:element minOccurs="0" name="id" type="xs:string"/>
<xs:element minOccurs="0" name="type" type="xs:string"/>
<xs:element minOccurs="0" name="userId" type="xs:string"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="invoice">
<xs:sequence>
<xs:element minOccurs="0" name="paymentMode" type="tns:paymentMode"/>
<xs:element minOccurs="0" name="acknowledgmentMode" type="tns:acknowledgmentMode"/>
<xs:element minOccurs="0" name="issueDate" type="xs:dateTime"/>
<xs:element minOccurs="0" name="title" type="xs:string"/>
<xs:element minOccurs="0" name="clientInvoiceId" type="xs:string"/>
<xs:element minOccurs="0" name="invoiceRows">
<xs:complexType>
<xs:sequence>
<xs:element maxOccurs="unbounded" minOccurs="0" name="invoiceRow" type="tns:paymentInvoiceRow"/>
</xs:sequence>
</xs:complexType>
</xs:element>
<xs:element minOccurs="0" name="totalAmount" type="tns:amount"/>
<xs:element minOccurs="0" name="cashierId" type="xs:string"/>
<xs:element minOccurs="0" name="footer" type="xs:string"/>
<xs:element minOccurs="0" name="backURL" type="xs:string"/>
<xs:element minOccurs="0" name="notificationUrl" type="xs:string"/>
</xs:sequence>
</xs:complexType>
<xs:simpleType name="paymentMode">
<xs:restriction base="xs:string">
<xs:enumeration value="IMMEDIATE_DEBIT"/>
<xs:enumeration value="RESERVATION_DESIRED"/>
<xs:enumeration value="RESERVATION_REQUIRED"/>
</xs:restriction>
</xs:simpleType>
<xs:simpleType name="acknowledgmentMode">
<xs:restriction base="xs:string">
<xs:enumeration value="NO_ACKNOWLEDGMENT"/>
<xs:enumeration value="OPTIONAL_ACKNOWLEDGMENT"/>
<xs:enumeration value="REQUIRE_ACKNOWLEDGMENT"/>
</xs:restriction>
</xs:simpleType>
<xs:complexType name="paymentInvoiceRow">
<xs:sequence>
<xs:element minOccurs="0" name="itemDescription" type="xs:string"/>
<xs:element minOccurs="0" name="itemDiscount" type="tns:amount"/>
<xs:element minOccurs="0" name="itemEAN" type="xs:string"/>
<xs:element minOccurs="0" name="itemQuantity" type="xs:decimal"/>
<xs:element minOccurs="0" name="itemSKU" type="xs:string"/>
<xs:element minOccurs="0" name="itemTaxRate" type="xs:decimal"/>
<xs:element minOccurs="0" name="itemTotalAmount" type="tns:amount"/>
<xs:element minOccurs="0" name="itemUnit" type="xs:string"/>
<xs:element minOccurs="0" name="itemUnitPrice" type="tns:amount"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="amount">
<xs:sequence>
<xs:element minOccurs="0" name="currency" type="xs:string"/>
<xs:element minOccurs="0" name="value" type="xs:decimal"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="customerToken">
<xs:sequence>
<xs:element minOccurs="0" name="description" type="xs:string"/>
<xs:element minOccurs="0" name="id" type="xs:string"/>
<xs:element name="status" type="xs:int"/>
<xs:element minOccurs="0" name="value" type="xs:string"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="sendInvoiceResponse">
<xs:sequence>
<xs:element minOccurs="0" name="return" type="tns:erswsSendInvoiceResponse"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="erswsSendInvoiceResponse">
<xs:complexContent>
<xs:extension base="tns:erswsResponse">
<xs:sequence>
<xs:element minOccurs="0" name="invoiceQRCode" type="xs:string"/>
<xs:element minOccurs="0" name="invoiceReference" type="xs:string"/>
</xs:sequence>
</xs:extension>
</xs:complexContent>
</xs:complexType>
<xs:complexType name="erswsResponse">
<xs:sequence>
<xs:element minOccurs="0" name="ersReference" type="xs:string"/>
<xs:element name="resultCode" type="xs:int"/>
<xs:element minOccurs="0" name="resultDescription" type="xs:string"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="getPaymentStatus">
<xs:sequence>
<xs:element minOccurs="0" name="context" type="tns:clientContext"/>
<xs:element minOccurs="0" name="invoiceReference" type="xs:string"/>
<xs:element name="invoiceVersion" type="xs:int"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="getPaymentStatusResponse">
<xs:sequence>
<xs:element minOccurs="0" name="return" type="tns:erswsPaymentStatusResponse"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="erswsPaymentStatusResponse">
<xs:complexContent>
<xs:extension base="tns:erswsResponse">
<xs:sequence>
<xs:element minOccurs="0" name="status" type="tns:invoiceStatus"/>
<xs:element minOccurs="0" name="receipt" type="tns:receipt"/>
<xs:element minOccurs="0" name="customerTokens">
<xs:complexType>
<xs:sequence>
<xs:element maxOccurs="unbounded" minOccurs="0" name="token" type="tns:customerToken"/>
</xs:sequence>
</xs:complexType>
</xs:element>
<xs:element name="version" type="xs:int"/>
</xs:sequence>
</xs:extension>
</xs:complexContent>
</xs:complexType>
<xs:simpleType name="invoiceStatus">
<xs:restriction base="xs:string">
<xs:enumeration value="ISSUED"/>
<xs:enumeration value="PAID"/>
<xs:enumeration value="PENDING_ISSUER_ACKNOWLEDGE"/>
<xs:enumeration value="CANCELED"/>
<xs:enumeration value="FAILED"/>
<xs:enumeration value="RESERVED"/>
</xs:restriction>
</xs:simpleType>
<xs:complexType name="receipt">
<xs:sequence>
<xs:element minOccurs="0" name="terminalId" type="xs:string"/>
<xs:element minOccurs="0" name="paymentDate" type="xs:dateTime"/>
<xs:element minOccurs="0" name="clientInvoiceId" type="xs:string"/>
<xs:element minOccurs="0" name="invoiceReference" type="xs:string"/>
<xs:element minOccurs="0" name="paymentReference" type="xs:string"/>
<xs:element minOccurs="0" name="payerTerminalId" type="xs:string"/>
<xs:element minOccurs="0" name="receiverName" type="xs:string"/>
<xs:element minOccurs="0" name="invoice" type="tns:invoice"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="cancelInvoice">
<xs:sequence>
<xs:element minOccurs="0" name="context" type="tns:clientContext"/>
<xs:element minOccurs="0" name="invoiceReference" type="xs:string"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="cancelInvoiceResponse">
<xs:sequence>
<xs:element minOccurs="0" name="return" type="tns:erswsResponse"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="refundPayment">
<xs:sequence>
<xs:element minOccurs="0" name="context" type="tns:clientContext"/>
<xs:element minOccurs="0" name="ersReference" type="xs:string"/>
<xs:element minOccurs="0" name="invoice" type="tns:invoice"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="refundPaymentResponse">
<xs:sequence>
<xs:element minOccurs="0" name="return" type="tns:erswsResponse"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="updateInvoice">
<xs:sequence>
<xs:element minOccurs="0" name="context" type="tns:clientContext"/>
<xs:element minOccurs="0" name="invoiceReference" type="xs:string"/>
<xs:element minOccurs="0" name="invoice" type="tns:invoice"/>
<xs:element maxOccurs="unbounded" minOccurs="0" name="tokens" type="tns:customerToken"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="updateInvoiceResponse">
<xs:sequence>
<xs:element minOccurs="0" name="return" type="tns:erswsResponse"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="submitPaymentReceipt">
<xs:sequence>
<xs:element minOccurs="0" name="context" type="tns:clientContext"/>
<xs:element minOccurs="0" name="ersReference" type="xs:string"/>
<xs:element minOccurs="0" name="receiptDocument" type="tns:receiptDocument"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="receiptDocument">
<xs:sequence>
<xs:element minOccurs="0" name="mimeType" type="xs:string"/>
<xs:element minOccurs="0" name="receiptData" type="xs:base64Binary"/>
<xs:element minOccurs="0" name="receiptType" type="xs:string"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="submitPaymentReceiptResponse">
<xs:sequence>
<xs:element minOccurs="0" name="return" type="tns:erswsResponse"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="markTransactionPeriod">
<xs:sequence>
<xs:element minOccurs="0" name="context" type="tns:clientContext"/>
<xs:element minOccurs="0" name="parameters" type="tns:parameterMap"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="parameterMap">
<xs:sequence>
<xs:element minOccurs="0" name="parameter" type="tns:mapArray"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="mapArray">
<xs:sequence>
<xs:element maxOccurs="unbounded" minOccurs="0" name="entry" type="tns:parameter"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="parameter">
<xs:sequence>
<xs:element minOccurs="0" name="key" type="xs:string"/>
<xs:element minOccurs="0" name="value" type="xs:string"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="markTransactionPeriodResponse">
<xs:sequence>
<xs:element minOccurs="0" name="return" type="tns:erswsMarkTransactionPeriodResponse"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="erswsMarkTransactionPeriodResponse">
<xs:complexContent>
<xs:extension base="tns:erswsResponse">
<xs:sequence>
<xs:element minOccurs="0" name="transactionPeriodId" type="xs:string"/>
</xs:sequence>
</xs:extension>
</xs:complexContent>
</xs:complexType>
<xs:complexType name="executeReport">
<xs:sequence>
<xs:element minOccurs="0" name="context" type="tns:clientContext"/>
<xs:element minOccurs="0" name="reportId" type="xs:string"/>
<xs:element minOccurs="0" name="language" type="xs:string"/>
<xs:element minOccurs="0" name="parameters" type="tns:parameterMap"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="executeReportResponse">
<xs:sequence>
<xs:element minOccurs="0" name="return" type="tns:erswsExecuteReportResponse"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="erswsExecuteReportResponse">
<xs:complexContent>
<xs:extension base="tns:erswsResponse">
<xs:sequence>
<xs:element minOccurs="0" name="report" type="tns:report"/>
</xs:sequence>
</xs:extension>
</xs:complexContent>
</xs:complexType>
<xs:complexType name="report">
<xs:sequence>
<xs:element minOccurs="0" name="title" type="xs:string"/>
<xs:element minOccurs="0" name="mimeType" type="xs:string"/>
<xs:element minOccurs="0" name="content" type="xs:base64Binary"/>
<xs:element minOccurs="0" name="contentString" type="xs:string"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="getClientSessionInfo">
<xs:sequence>
<xs:element minOccurs="0" name="context" type="tns:clientContext"/>
<xs:element minOccurs="0" name="key" type="xs:string"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="getClientSessionInfoResponse">
<xs:sequence>
<xs:element minOccurs="0" name="return" type="tns:erswsClientSessionInfoResponse"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="erswsClientSessionInfoResponse">
<xs:complexContent>
<xs:extension base="tns:erswsResponse">
<xs:sequence>
<xs:element minOccurs="0" name="parameters">
<xs:complexType>
<xs:sequence>
<xs:element maxOccurs="unbounded" minOccurs="0" name="entry" type="tns:parameter"/>
</xs:sequence>
</xs:complexType>
</xs:element>
</xs:sequence>
</xs:extension>
</xs:complexContent>
</xs:complexType>
</xs:schema>
  </wsdl:types>
  <wsdl:message name="sendInvoice">
    <wsdl:part name="parameters" element="tns:sendInvoice"/>
  </wsdl:message>
  <wsdl:message name="sendInvoiceResponse">
    <wsdl:part name="parameters" element="tns:sendInvoiceResponse"/>
  </wsdl:message>
  <wsdl:message name="getPaymentStatus">
    <wsdl:part name="parameters" element="tns:getPaymentStatus"/>
  </wsdl:message>
  <wsdl:message name="getPaymentStatusResponse">
    <wsdl:part name="parameters" element="tns:getPaymentStatusResponse"/>
  </wsdl:message>
  <wsdl:message name="cancelInvoice">
    <wsdl:part name="parameters" element="tns:cancelInvoice"/>
  </wsdl:message>
  <wsdl:message name="cancelInvoiceResponse">
    <wsdl:part name="parameters" element="tns:cancelInvoiceResponse"/>
  </wsdl:message>
  <wsdl:message name="refundPayment">
    <wsdl:part name="parameters" element="tns:refundPayment"/>
  </wsdl:message>
  <wsdl:message name="refundPaymentResponse">
    <wsdl:part name="parameters" element="tns:refundPaymentResponse"/>
  </wsdl:message>
  <wsdl:message name="updateInvoice">
    <wsdl:part name="parameters" element="tns:updateInvoice"/>
  </wsdl:message>
  <wsdl:message name="updateInvoiceResponse">
    <wsdl:part name="parameters" element="tns:updateInvoiceResponse"/>
  </wsdl:message>
  <wsdl:message name="submitPaymentReceipt">
    <wsdl:part name="parameters" element="tns:submitPaymentReceipt"/>
  </wsdl:message>
  <wsdl:message name="submitPaymentReceiptResponse">
    <wsdl:part name="parameters" element="tns:submitPaymentReceiptResponse"/>
  </wsdl:message>
  <wsdl:message name="markTransactionPeriod">
    <wsdl:part name="parameters" element="tns:markTransactionPeriod"/>
  </wsdl:message>
  <wsdl:message name="markTransactionPeriodResponse">
    <wsdl:part name="parameters" element="tns:markTransactionPeriodResponse"/>
  </wsdl:message>
  <wsdl:message name="executeReport">
    <wsdl:part name="parameters" element="tns:executeReport"/>
  </wsdl:message>
  <wsdl:message name="executeReportResponse">
    <wsdl:part name="parameters" element="tns:executeReportResponse"/>
  </wsdl:message>
  <wsdl:message name="getClientSessionInfo">
    <wsdl:part name="parameters" element="tns:getClientSessionInfo"/>
  </wsdl:message>
  <wsdl:message name="getClientSessionInfoResponse">
    <wsdl:part name="parameters" element="tns:getClientSessionInfoResponse"/>
  </wsdl:message>
  <wsdl:portType name="ERSWSExternalClientService">
    <wsdl:operation name="sendInvoice">
      <wsdl:input name="sendInvoice" message="tns:sendInvoice"/>
      <wsdl:output name="sendInvoiceResponse" message="tns:sendInvoiceResponse"/>
    </wsdl:operation>
    <wsdl:operation name="getPaymentStatus">
      <wsdl:input name="getPaymentStatus" message="tns:getPaymentStatus"/>
      <wsdl:output name="getPaymentStatusResponse" message="tns:getPaymentStatusResponse"/>
    </wsdl:operation>
    <wsdl:operation name="cancelInvoice">
      <wsdl:input name="cancelInvoice" message="tns:cancelInvoice"/>
      <wsdl:output name="cancelInvoiceResponse" message="tns:cancelInvoiceResponse"/>
    </wsdl:operation>
    <wsdl:operation name="refundPayment">
      <wsdl:input name="refundPayment" message="tns:refundPayment"/>
      <wsdl:output name="refundPaymentResponse" message="tns:refundPaymentResponse"/>
    </wsdl:operation>
    <wsdl:operation name="updateInvoice">
      <wsdl:input name="updateInvoice" message="tns:updateInvoice"/>
      <wsdl:output name="updateInvoiceResponse" message="tns:updateInvoiceResponse"/>
    </wsdl:operation>
    <wsdl:operation name="submitPaymentReceipt">
      <wsdl:input name="submitPaymentReceipt" message="tns:submitPaymentReceipt"/>
      <wsdl:output name="submitPaymentReceiptResponse" message="tns:submitPaymentReceiptResponse"/>
    </wsdl:operation>
    <wsdl:operation name="markTransactionPeriod">
      <wsdl:input name="markTransactionPeriod" message="tns:markTransactionPeriod"/>
      <wsdl:output name="markTransactionPeriodResponse" message="tns:markTransactionPeriodResponse"/>
    </wsdl:operation>
    <wsdl:operation name="executeReport">
      <wsdl:input name="executeReport" message="tns:executeReport"/>
      <wsdl:output name="executeReportResponse" message="tns:executeReportResponse"/>
    </wsdl:operation>
    <wsdl:operation name="getClientSessionInfo">
      <wsdl:input name="getClientSessionInfo" message="tns:getClientSessionInfo"/>
      <wsdl:output name="getClientSessionInfoResponse" message="tns:getClientSessionInfoResponse"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="ERSWSExternalClientServiceServiceSoapBinding" type="tns:ERSWSExternalClientService">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="sendInvoice">
      <soap:operation soapAction="" style="document"/>
      <wsdl:input name="sendInvoice">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="sendInvoiceResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="getPaymentStatus">
      <soap:operation soapAction="" style="document"/>
      <wsdl:input name="getPaymentStatus">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="getPaymentStatusResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="cancelInvoice">
      <soap:operation soapAction="" style="document"/>
      <wsdl:input name="cancelInvoice">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="cancelInvoiceResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="refundPayment">
      <soap:operation soapAction="" style="document"/>
      <wsdl:input name="refundPayment">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="refundPaymentResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="updateInvoice">
      <soap:operation soapAction="" style="document"/>
      <wsdl:input name="updateInvoice">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="updateInvoiceResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="submitPaymentReceipt">
      <soap:operation soapAction="" style="document"/>
      <wsdl:input name="submitPaymentReceipt">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="submitPaymentReceiptResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="markTransactionPeriod">
      <soap:operation soapAction="" style="document"/>
      <wsdl:input name="markTransactionPeriod">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="markTransactionPeriodResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="executeReport">
      <soap:operation soapAction="" style="document"/>
      <wsdl:input name="executeReport">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="executeReportResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="getClientSessionInfo">
      <soap:operation soapAction="" style="document"/>
      <wsdl:input name="getClientSessionInfo">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="getClientSessionInfoResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="ERSWSExternalClientServiceService">
    <wsdl:port name="ERSWSExternalClientServicePort" binding="tns:ERSWSExternalClientServiceServiceSoapBinding">
      <soap:address location="__ADDRESS__"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;

/** The sandbox's WSDL with `address` as the endpoint's location. */
export function sandboxWsdl(address: string): string {
  const escaped = address.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
  return WSDL_TEMPLATE.replace("__ADDRESS__", escaped);
}
